"""Where the target's data lies: the survey of a target that pages as documented, and what the landscape knows."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mockserver.contract.target.profile import ApiProfile, profile
from mockserver.contract.target.survey import MAX_SURVEY_REQUESTS, Landscape, Record, survey, wide_query
from mockserver.core.instants import Instant, parse_instant
from tests.support.specs import SHIPPED, raw_operation

PROFILES = {api: profile(api) for api in SHIPPED}  # built once, before any example is timed
MICROS = st.integers(0, 10**6)


@st.composite
def targets(draw: st.DrawFn, api: str, least: int = 0) -> list[dict[str, Any]]:
    """Records with distinct ids and an instant for each field the survey reads."""
    fields = PROFILES[api].time_fields
    count = draw(st.integers(least, 40))
    return [{"id": n, **{f: Instant(draw(MICROS)).text for f in fields}} for n in range(count)]


def _at(record: dict[str, Any], name: str) -> Instant:
    instant = parse_instant(record[name])
    assert instant is not None
    return instant


def _serve(prof: ApiProfile, records: list[dict[str, Any]]) -> Any:
    """A target that pages as the documents say: ordered by the field asked for (then id), pages from 1."""

    def fetch(query: dict[str, Any]) -> Any:
        field = query.get(prof.order_param, prof.order_fields[0]) if prof.order_param else prof.order_fields[0]
        ordered = sorted(records, key=lambda r: (_at(r, field), r["id"]))
        size, page = int(query[prof.size_param]), int(query[prof.page_param])
        return {prof.items_key: ordered[(page - 1) * size : page * size]}

    return fetch


@given(data=st.data(), api=st.sampled_from(SHIPPED))
def test_a_target_within_the_survey_reach_is_known_whole(data: st.DataObject, api: str) -> None:
    prof = PROFILES[api]
    records = data.draw(targets(api, least=1))  # an empty first page tells nothing (it may be a refusal)
    land = survey(prof, _serve(prof, records))
    assert land.complete
    assert sorted(land.ids) == [r["id"] for r in records]
    assert land.requests <= MAX_SURVEY_REQUESTS * len(prof.order_fields)


@given(data=st.data(), api=st.sampled_from(SHIPPED), cap=st.integers(1, 3))
def test_every_record_below_what_the_survey_knows_is_known(data: st.DataObject, api: str, cap: int) -> None:
    prof = dataclasses.replace(PROFILES[api], size_cap=cap)  # small pages: the survey may stop before the end
    records = data.draw(targets(api))
    land = survey(prof, _serve(prof, records))
    for name in prof.order_fields:
        for record in records:
            if land.known_below(name, _at(record, name)):
                below = {r["id"] for r in records if _at(r, name) < _at(record, name)}
                assert below <= set(land.ids)


@given(values=st.lists(MICROS, max_size=12), at=MICROS)
def test_the_rank_of_an_instant_is_how_many_known_values_lie_before_it(values: list[int], at: int) -> None:
    land = Landscape(tuple(Record(n, {"start": Instant(v)}, None) for n, v in enumerate(values)), requests=0)
    assert land.rank("start", Instant(at)) == sum(v < at for v in values)


@given(horizon=MICROS, earlier=MICROS, later=MICROS)
def test_knowing_the_records_below_an_instant_knows_those_below_any_earlier_one(
    horizon: int, earlier: int, later: int
) -> None:
    earlier, later = sorted((earlier, later))
    land = Landscape((), requests=0, horizons={"start": Instant(horizon)})
    assume(land.known_below("start", Instant(later)))
    assert land.known_below("start", Instant(earlier))


def test_a_target_that_answers_nothing_is_not_known() -> None:
    prof = PROFILES["events"]
    land = survey(prof, lambda query: None)
    assert (land.records, land.complete) == ((), False)


@pytest.mark.parametrize("api", SHIPPED)
def test_the_wide_request_sends_every_required_query_parameter_and_a_window_that_holds_everything(api: str) -> None:
    prof = PROFILES[api]
    _, op = raw_operation(api)
    required = {p["name"] for p in op["parameters"] if p["in"] == "query" and p.get("required")}
    query = wide_query(prof)
    assert required <= set(query)
    lower, upper = parse_instant(query[prof.lower]), parse_instant(query[prof.upper])
    assert lower is not None and upper is not None
    assert lower <= Instant(-(62135596800 * 10**6)) and upper >= Instant(253402300799 * 10**6)
