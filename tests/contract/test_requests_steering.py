"""The steering of generated requests: laws over any seed and valid query."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.contract.requests.steering import steering
from mockserver.contract.target.profile import ApiProfile, profile
from mockserver.contract.target.survey import Landscape, Record, wide_query
from mockserver.core.instants import Instant
from mockserver.core.openapi import ApiId

APIS = ("events", "interventions")
DAY = 86_400_000_000


def _land(prof: ApiProfile, count: int) -> Landscape:
    start = 1_700_000_000_000_000
    records = tuple(
        Record(
            id=f"r{n}",
            times={f: Instant(start + n * DAY + k * 3_600_000_000) for k, f in enumerate(prof.time_fields)},
            category="a" if n % 2 else "b",
        )
        for n in range(count)
    )
    return Landscape(records=records, requests=1)


def _query(prof: ApiProfile, size: int, page: int) -> dict[str, Any]:
    return {**wide_query(prof), prof.size_param: size, prof.page_param: page}


@pytest.mark.parametrize("api", APIS)
@given(seed=st.integers(0, 2**63 - 1), size=st.integers(1, 50), page=st.integers(1, 5))
def test_the_same_seed_and_query_are_steered_the_same_way(api: ApiId, seed: int, size: int, page: int) -> None:
    prof = profile(api)
    land = _land(prof, 20)
    first, second = _query(prof, size, page), _query(prof, size, page)
    steering(prof, land, seed)(first, False)
    steering(prof, land, seed)(second, False)
    assert first == second


@pytest.mark.parametrize(
    ("coverage", "records"), [(True, 20), (False, 0)], ids=["the coverage phase's", "no record surveyed"]
)
@pytest.mark.parametrize("api", APIS)
@given(seed=st.integers(0, 2**63 - 1), size=st.integers(1, 50), page=st.integers(1, 5))
def test_a_query_is_left_as_generated_in_the_coverage_phase_or_with_no_data(
    api: ApiId, coverage: bool, records: int, seed: int, size: int, page: int
) -> None:
    prof = profile(api)
    query = _query(prof, size, page)
    steering(prof, _land(prof, records), seed)(query, coverage)
    assert query == _query(prof, size, page)


@pytest.mark.parametrize("api", APIS)
def test_most_valid_queries_are_aimed_at_the_surveyed_data(api: ApiId) -> None:
    prof = profile(api)
    land = _land(prof, 20)
    changed = 0
    for seed in range(50):
        query = _query(prof, 10, 1)
        steering(prof, land, seed)(query, False)
        changed += query != _query(prof, 10, 1)
    assert changed > 25  # UNSTEERED_SHARE (15 %) are left as generated
