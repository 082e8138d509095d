"""A page written by the C page renderer (mockserver/apis/_pages.c) is, record for record, the one-record renderer's
JSON, byte for byte.

The oracle is the one-record renderer (``FIELDS``, written by ``orjson.dumps``), which the golden sample files and
test_draw_streams pin; the page renderer is checked against it over every record of several seeds and anchors (the
first and last days of Python's calendar among them: years 0 and below, and 10000, are written as Python writes
them), in pages of every size a client can ask for, in any order. Bad input to the renderer is an exception, never
a crash.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pytest

from mockserver.apis import _pages, table
from mockserver.apis.datasets import generated_store
from mockserver.core.draws import Records
from mockserver.core.instants import format_instant
from mockserver.core.openapi import ApiId
from mockserver.server.settings import DEFAULT_ANCHOR, anchor_micros
from tests.support.specs import SHIPPED as API_IDS

COUNT = 20_000
ANCHORS = (anchor_micros(DEFAULT_ANCHOR), 1_000_000_000_000_000 + 123_456_789)  # the default, and an odd instant


def _records(api: ApiId, seed: int, anchor: int) -> Records:
    _, render = table(api).generate(seed, COUNT, anchor)
    assert isinstance(render, Records) and render.page is not None
    return render


def _array(render: Records, indexes: list[int]) -> bytes:
    """The oracle: the JSON array of the records as rendered alone."""
    return orjson.dumps([orjson.Fragment(orjson.dumps(render(i))) for i in indexes])


@pytest.mark.parametrize("anchor", ANCHORS, ids=["default-anchor", "odd-anchor"])
@pytest.mark.parametrize("seed", [0, 1, 987654321])
@pytest.mark.parametrize("api", API_IDS)
def test_a_page_of_every_record_is_each_record_as_rendered_alone(api: ApiId, seed: int, anchor: int) -> None:
    render = _records(api, seed, anchor)
    assert render.page is not None
    indexes = list(range(COUNT))
    assert render.page(indexes) == _array(render, indexes)


@pytest.mark.parametrize("day", [date.min, date.max], ids=["first-anchor", "last-anchor"])
@pytest.mark.parametrize("api", API_IDS)
def test_a_page_at_either_end_of_the_calendar_is_each_record_as_rendered_alone(api: ApiId, day: date) -> None:
    render = _records(api, 0, anchor_micros(day))
    assert render.page is not None
    indexes = list(range(COUNT))
    assert render.page(indexes) == _array(render, indexes)


@pytest.mark.parametrize("api", API_IDS)
def test_pages_of_any_size_and_order_are_each_record_as_rendered_alone(api: ApiId) -> None:
    render = _records(api, 5, ANCHORS[0])
    assert render.page is not None
    pick = random.Random(7)
    for size in (1, 2, 3, 5, 10, 27, 50, 250):
        indexes = pick.sample(range(COUNT), size)
        assert render.page(indexes) == _array(render, indexes), size


@pytest.mark.parametrize("api", API_IDS)
def test_the_store_serves_the_same_bytes_with_or_without_the_page_renderer(api: ApiId) -> None:
    paged = generated_store(table(api), 3, COUNT, ANCHORS[0])
    alone = generated_store(table(api), 3, COUNT, ANCHORS[0])
    alone.render_page = None
    pick = random.Random(11)
    for _ in range(200):
        indexes = pick.sample(range(COUNT), pick.randint(1, 60))
        assert paged.page_json(np.array(indexes)) == alone.page_json(np.array(indexes))


@pytest.mark.parametrize("api", API_IDS)
@pytest.mark.parametrize(
    ("index", "error"), [(COUNT, IndexError), (-1, IndexError), ("7", TypeError), (2**70, OverflowError)]
)
def test_an_index_outside_the_dataset_is_an_exception(api: ApiId, index: object, error: type[Exception]) -> None:
    render = _records(api, 0, ANCHORS[0])
    assert render.page is not None
    with pytest.raises(error):
        render.page([0, index])  # type: ignore[list-item]


def test_columns_of_different_lengths_are_refused() -> None:
    column = np.zeros(3, dtype=np.int64)
    with pytest.raises(ValueError, match="end: 2 values, the other columns have 3"):
        _pages.interventions_context(column, column[:2], 0, 1, 2, [0] * 29, [0] * 29, [1] * 29, [0.0] * 29, ())


def test_a_category_code_without_a_name_is_refused() -> None:
    times, bits = np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.uint64)
    codes = np.array([0, 6], dtype=np.int8)
    pools = (tuple([b'"x"'] * 1024),) * 4
    with pytest.raises(ValueError, match="code 6 of record 1 has no name"):
        _pages.events_context(
            times, times, times, times, bits, bits, codes, 1, 2, [0] * 4, [0.0] * 4, pools, (b'"a"',) * 6, 0
        )


@pytest.mark.parametrize("api", API_IDS)
def test_indexes_as_a_list_or_an_array_of_either_width_give_the_same_page(api: ApiId) -> None:
    render = _records(api, 2, ANCHORS[0])
    assert render.page is not None
    indexes = random.Random(3).sample(range(COUNT), 40)
    expected = _array(render, indexes)
    assert render.page(np.array(indexes, dtype=np.int32)) == expected
    assert render.page(np.array(indexes, dtype=np.int64)) == expected
    assert render.page(np.array([], dtype=np.int32)) == render.page([]) == b"[]"


@pytest.mark.parametrize("api", API_IDS)
@pytest.mark.parametrize(
    "indexes", [np.zeros((2, 2), dtype=np.int64), np.zeros(3, dtype=np.float64), np.zeros(3, dtype=np.int16)]
)
def test_an_array_of_other_indexes_is_refused(api: ApiId, indexes: npt.NDArray[Any]) -> None:
    render = _records(api, 2, ANCHORS[0])
    assert render.page is not None
    with pytest.raises(TypeError, match="a 1-D array of int32 or int64 expected"):
        render.page(indexes)


def test_a_context_of_one_api_is_refused_by_the_others_renderer() -> None:
    times, bits = np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.uint64)
    pools = (tuple([b'"x"'] * 1024),) * 4
    codes = np.zeros(2, dtype=np.int8)
    events = _pages.events_context(
        times, times, times, times, bits, bits, codes, 1, 2, [0] * 4, [0.0] * 4, pools, (b'"a"',), 0
    )
    assert _pages.events_page(events, [1]).startswith(b'[{"id":')
    with pytest.raises(ValueError):
        _pages.interventions_page(events, [1])


def test_an_event_type_range_beyond_the_five_types_is_refused() -> None:
    column = np.zeros(3, dtype=np.int64)
    lows, spans = [0] * 29, [1] * 29
    lows[-1], spans[-1] = 5, 1  # eventType is the last field
    pools = (tuple([b'"x"'] * 1024),) * 4
    with pytest.raises(ValueError, match="eventType"):
        _pages.interventions_context(column, column, 0, 1, 2, [0] * 29, lows, spans, [0.0] * 29, pools)


class _Index(int):
    """An int subclass still reads as its value; an object that is not an int is refused without being asked."""


def test_indexes_that_are_not_ints_are_refused() -> None:
    render = _records(ApiId("events"), 0, ANCHORS[0])
    assert render.page is not None
    assert render.page([_Index(3)]) == render.page([3])
    with pytest.raises(TypeError, match="an int expected"):
        render.page([np.int64(3)])  # type: ignore[list-item]


POOLS = (tuple([b'"x"'] * 1024),) * 4


def _events(codes: npt.NDArray[np.int8], keys: list[Any], thresholds: list[Any]) -> _pages.Context:
    """An events context of ``len(codes)`` records (every instant 0, every id 0), categories "a" and "b"."""
    times, bits = np.zeros(len(codes), dtype=np.int64), np.zeros(len(codes), dtype=np.uint64)
    return _pages.events_context(
        times, times, times, times, bits, bits, codes, 1, 2, keys, thresholds, POOLS, (b'"a"', b'"b"'), 0
    )


class _Shrinking:
    """A number whose conversion empties the list that holds it (then reads as ``value``)."""

    def __init__(self, numbers: list[Any], value: float) -> None:
        self.numbers, self.value = numbers, value

    def __index__(self) -> int:
        self.numbers.clear()
        return int(self.value)

    def __float__(self) -> float:
        self.numbers.clear()
        return self.value


@pytest.mark.parametrize("which", ["keys", "thresholds"])
def test_numbers_shrunk_by_a_conversion_are_read_as_they_were_passed(which: str) -> None:
    """The renderer copies a list of numbers before converting them: a conversion that empties the list (the C read
    on into the emptied list: a segfault) changes nothing of what the context reads."""
    codes = np.zeros(3, dtype=np.int8)
    keys, thresholds = [5, 6, 7, 8], [2.0**32, 0.0, 2.0**31, 2.0**32]
    shrinking: list[Any] = list(keys if which == "keys" else thresholds)
    shrinking[0] = _Shrinking(shrinking, shrinking[0])
    given = _events(codes, shrinking, thresholds) if which == "keys" else _events(codes, keys, shrinking)
    assert _pages.events_page(given, [0, 1, 2]) == _pages.events_page(_events(codes, keys, thresholds), [0, 1, 2])


def test_a_category_code_changed_after_the_context_is_made_is_refused() -> None:
    """A context checks a record's category code where it reads it: a column written after the context was made
    (the C read the name tuple at the new code: past its end) makes an exception, never a read outside the names."""
    codes = np.array([0, 1], dtype=np.int8)
    context = _events(codes, [0] * 4, [0.0] * 4)
    codes[1] = 100
    assert _pages.events_page(context, [0]).count(b'"category":"a"') == 1
    with pytest.raises(ValueError, match="category"):
        _pages.events_page(context, [1])


def test_read_only_columns_are_accepted_and_never_written() -> None:
    start = np.arange(0, 3000 * 15 * 60_000_000, 15 * 60_000_000, dtype=np.int64)
    end = start + 3_600_000_000
    for column in (start, end):
        column.flags.writeable = False
    before = start.copy(), end.copy()
    pools = (tuple(b'"%d"' % k for k in range(1024)),) * 4
    ranges = [(0, 1)] * 29
    lows, spans = [low for low, _ in ranges], [high - low for low, high in ranges]
    context = _pages.interventions_context(
        start, end, 10**15, 1, 2, list(range(29)), lows, spans, [2.0**31] * 29, pools
    )
    assert _pages.interventions_page(context, list(range(3000))).count(b'"id":') == 3000
    assert (start.tolist(), end.tolist()) == (before[0].tolist(), before[1].tolist())


@pytest.mark.parametrize("edge", [2**63 - 1, -(2**63)], ids=["last-microsecond", "first-microsecond"])
def test_an_instant_beyond_64_bit_microseconds_is_an_overflow_error(edge: int) -> None:
    """Instants computed from a column at the edge of int64 (an actual start an hour after it, a creation 60 days
    before) do not fit: an OverflowError, never a wrapped value (a signed overflow, undefined in C)."""
    column = np.full(2, edge, dtype=np.int64)
    ranges = [(-30, 61)] * 29
    lows, spans = [low for low, _ in ranges], [high - low for low, high in ranges]
    lows[-1], spans[-1] = 0, 5  # eventType indexes the five types
    context = _pages.interventions_context(column, column, 0, 1, 2, list(range(29)), lows, spans, [2.0**32] * 29, POOLS)
    with pytest.raises(OverflowError):
        _pages.interventions_page(context, [0, 1])


@pytest.mark.parametrize("api", API_IDS)
def test_the_columns_a_dataset_renders_from_are_read_only(api: ApiId) -> None:
    columns, _ = table(api).generate(0, 100, ANCHORS[0])
    for values in columns.times.values():
        with pytest.raises(ValueError, match="read-only"):
            values[0] = 0


@pytest.mark.parametrize("micros", [-(2**63), 2**63 - 1], ids=["first", "last"])
def test_an_instant_at_either_end_of_64_bit_microseconds_is_written_as_python_writes_it(micros: int) -> None:
    """An instant is written, day and time of day computed without leaving int64 (the first instant's day starts
    before the first microsecond int64 holds: a signed overflow, found by the fuzz)."""
    times, bits = np.full(1, micros, dtype=np.int64), np.zeros(1, dtype=np.uint64)
    codes = np.zeros(1, dtype=np.int8)
    context = _pages.events_context(
        times, times, times, times, bits, bits, codes, 1, 2, [0] * 4, [0.0] * 4, POOLS, (b'"a"',), 0
    )
    assert orjson.loads(_pages.events_page(context, [0]))[0]["start"] == format_instant(micros, 0)
