"""What a request reached of the semantic ground: laws of the facets over any query and token."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mockserver.contract.target.facets import FACETS, facets
from mockserver.contract.target.profile import profile
from mockserver.core.instants import Instant
from tests.support.specs import SHIPPED, raw_operation

PROFILES = {api: profile(api) for api in SHIPPED}  # built once, before any example is timed
RUN = {"Authorization": "Bearer the-runs-token"}
VALUES = st.one_of(st.text(max_size=6), st.integers(-5, 300).map(str), st.integers(-5, 300), st.none())
OFFSETS = st.sampled_from(["Z", "z", "+05:30", "-08:00", ""])


def _cap(api: str) -> int:
    _, op = raw_operation(api)
    (size,) = (p for p in op["parameters"] if p["name"] == PROFILES[api].size_param)
    return int(size["x-capped-at"])


@given(api=st.sampled_from(SHIPPED), query=st.dictionaries(st.text(max_size=8), VALUES, max_size=4), edge=st.none())
def test_every_facet_is_a_named_one_and_token_page_and_size_are_always_there(
    api: str, query: dict[str, Any], edge: None
) -> None:
    found = facets(PROFILES[api], query, {}, RUN, edge)
    assert {name for name, _ in found} <= set(FACETS)
    assert {"token", "page", "size"} <= {name for name, _ in found}


@given(api=st.sampled_from(SHIPPED), size=st.integers(-3, 400), near=st.integers(-1, 1) | st.none())
def test_a_size_is_placed_against_the_cap_the_spec_declares(api: str, size: int, near: int | None) -> None:
    prof, cap = PROFILES[api], _cap(api)
    size = size if near is None else cap + near
    bucket = dict(facets(prof, {prof.size_param: str(size)}, {}, RUN, None))["size"]
    expected = "below 1" if size < 1 else "above the cap" if size > cap else "at the cap" if size == cap else None
    assert bucket == expected or (expected is None and bucket in ("1", "2 or more"))


@given(api=st.sampled_from(SHIPPED), lower=OFFSETS, upper=OFFSETS)
def test_the_offset_facet_names_the_zone_each_bound_was_written_in(api: str, lower: str, upper: str) -> None:
    prof = PROFILES[api]
    bounds = (f"2024-01-01T00:00:00{lower}", f"2024-02-01T00:00:00{upper}")
    found = dict(facets(prof, {prof.lower: bounds[0], prof.upper: bounds[1]}, {}, RUN, None))
    if "" in (lower, upper):  # not a date-time: no window to describe
        assert "offset" not in found
    else:
        assert found["offset"] == f"{lower.upper()} / {upper.upper()}"


@given(api=st.sampled_from(SHIPPED), micros=st.integers(0, 10**15), width=st.integers(-(10**9), 10**9))
def test_the_window_facet_tells_inverted_and_zero_width_windows_apart(api: str, micros: int, width: int) -> None:
    prof = PROFILES[api]
    query = {prof.lower: Instant(micros).text, prof.upper: Instant(micros + width).text}
    kind = dict(facets(prof, query, {}, RUN, None))["window"]
    empty = width < 0 or (width == 0 and prof.window == "half-open")  # half-open: nothing when lower >= upper
    assert (kind == "inverted", kind == "zero-width") == (empty, width == 0 and not empty)


@given(
    scheme=st.sampled_from(["Bearer", "bearer", "Basic", "Token"]),
    token=st.text("abcdef0123456789", min_size=1, max_size=8),
)
def test_the_token_facet_tells_the_runs_token_from_any_other(scheme: str, token: str) -> None:
    prof = PROFILES["events"]
    given_token = dict(facets(prof, {}, {"Authorization": f"{scheme} {token}"}, RUN, None))["token"]
    assert given_token == ("another bearer token" if scheme.lower() == "bearer" else "another scheme")
    assert dict(facets(prof, {}, {}, RUN, None))["token"] == "the run's token"
    assert dict(facets(prof, {}, {}, {}, None))["token"] == "none"


@given(edge=st.none() | st.text(min_size=1, max_size=10))
def test_an_edge_facet_is_there_exactly_when_the_request_was_sent_on_purpose(edge: str | None) -> None:
    found = facets(PROFILES["events"], {}, {}, RUN, edge)
    assert [value for name, value in found if name == "edge"] == ([] if edge is None else [edge])
