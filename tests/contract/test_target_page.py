"""A 200 page read once for the checks: what it reads of the request and the body, by laws over any page."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.contract.target.page import matches, read_page
from mockserver.contract.target.profile import profile
from mockserver.contract.target.survey import Record
from mockserver.core.instants import Instant
from tests.support.specs import SHIPPED, raw_operation

PROFILES = {api: profile(api) for api in SHIPPED}  # built once, before any example is timed
IDS = st.one_of(st.integers(0, 50), st.text("ab", max_size=2))
ITEMS = st.lists(st.fixed_dictionaries({"id": IDS}), max_size=6)


def _window(api: str, lower: int = 0, upper: int = 10**15) -> dict[str, str]:
    prof = PROFILES[api]
    return {prof.lower: Instant(lower).text, prof.upper: Instant(upper).text}


def _default(api: str, name: str) -> Any:
    _, op = raw_operation(api)
    (param,) = (p for p in op["parameters"] if p["name"] == name)
    return param["schema"].get("default")


@pytest.mark.parametrize("api", SHIPPED)
def test_a_request_without_paging_reads_as_the_spec_defaults(api: str) -> None:
    prof = PROFILES[api]
    view = read_page(prof, _window(api), {prof.items_key: []})
    assert view is not None
    assert view.page == (_default(api, prof.page_param) or 1)
    assert view.size == (_default(api, prof.size_param) or prof.size_cap)


@given(api=st.sampled_from(SHIPPED), items=ITEMS)
def test_the_ids_are_the_records_ids_in_the_order_served(api: str, items: list[dict[str, Any]]) -> None:
    prof = PROFILES[api]
    view = read_page(prof, _window(api), {prof.items_key: items})
    assert view is not None
    assert view.ids == [item["id"] for item in items]


@given(api=st.sampled_from([api for api in SHIPPED if PROFILES[api].find_param]), items=ITEMS, find=st.integers(0, 50))
def test_a_find_id_hits_exactly_when_the_page_lists_it(api: str, items: list[dict[str, Any]], find: int) -> None:
    prof = PROFILES[api]
    assert prof.find_param is not None
    view = read_page(prof, {**_window(api), prof.find_param: str(find)}, {prof.items_key: items})
    assert view is not None
    assert view.find_hit() == any(item["id"] == find for item in items)


@given(
    api=st.sampled_from(SHIPPED),
    body=st.one_of(st.none(), st.integers(), st.dictionaries(st.text(max_size=3), st.integers())),
)
def test_a_body_without_a_list_of_records_is_no_page(api: str, body: Any) -> None:
    assert read_page(PROFILES[api], _window(api), body) is None


@given(api=st.sampled_from(SHIPPED), paging=st.sampled_from(["page", "size"]), value=st.text(max_size=4))
def test_paging_that_is_not_an_integer_is_no_page(api: str, paging: str, value: str) -> None:
    prof = PROFILES[api]
    name = prof.page_param if paging == "page" else prof.size_param
    view = read_page(prof, {**_window(api), name: value}, {prof.items_key: []})
    digits = value.removeprefix("-")
    is_integer = bool(digits) and all(c in "0123456789" for c in digits)  # the spec's integers: ASCII, -?[0-9]+
    assert (view is None) == (not is_integer)


@given(start=st.integers(-(10**6), 10**6), lower=st.integers(-(10**6), 10**6), width=st.integers(0, 10**6))
def test_an_events_record_matches_when_its_start_lies_in_the_half_open_window(
    start: int, lower: int, width: int
) -> None:
    view = read_page(PROFILES["events"], _window("events", lower, lower + width), {PROFILES["events"].items_key: []})
    assert view is not None
    record = Record(id=1, times={"start": Instant(start)}, category="a")
    assert matches(view, record) == (lower <= start < lower + width)
