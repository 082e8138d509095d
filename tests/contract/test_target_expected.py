"""The documented paging the expected answer follows: laws over any list of matches, page size and cap."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from mockserver.contract.target.expected import expected_page
from mockserver.contract.target.profile import profile
from mockserver.contract.target.survey import Record

EVENTS = profile("events")


def _records(count: int) -> list[Record]:
    return [Record(id=f"r{n}", times={}, category=None) for n in range(count)]


@given(count=st.integers(0, 60), size=st.integers(1, 30), cap=st.integers(1, 30))
def test_the_pages_concatenated_are_the_matches(count: int, size: int, cap: int) -> None:
    prof = dataclasses.replace(EVENTS, size_cap=cap)
    matches = _records(count)
    served = min(size, cap)
    pages = [expected_page(prof, matches, n, size, None) for n in range(1, count // served + 2)]
    assert [r for p in pages for r in p.records] == matches
    assert all(len(p.records) <= served and p.size == served and p.total == count for p in pages)


@given(count=st.integers(0, 60), size=st.integers(1, 30), extra=st.integers(1, 5))
def test_a_page_past_the_last_is_empty(count: int, size: int, extra: int) -> None:
    served = min(size, EVENTS.size_cap)
    last = -(-count // served)
    assert expected_page(EVENTS, _records(count), last + extra, size, None).records == []


@given(count=st.integers(1, 60), size=st.integers(1, 30), page=st.integers(-3, 10), data=st.data())
def test_a_find_id_that_matches_picks_the_page_holding_it(
    count: int, size: int, page: int, data: st.DataObject
) -> None:
    matches = _records(count)
    wanted = data.draw(st.sampled_from(matches))
    found = expected_page(EVENTS, matches, page, size, wanted.id)
    assert (found.find_hit, wanted in found.records) == (True, True)


@given(count=st.integers(0, 20), size=st.integers(-3, 0), page=st.integers(-3, 5))
def test_a_size_below_one_serves_no_record(count: int, size: int, page: int) -> None:
    assert expected_page(EVENTS, _records(count), page, size, None).records == []
