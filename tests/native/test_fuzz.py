"""Every entry point of the compiled modules against its Python twin, on generated input, under the sanitized build
(``make check-native``: AddressSanitizer and UndefinedBehaviorSanitizer abort the run on any out-of-bounds access or
undefined behaviour, so each example is also a memory-safety check).

The twins are the references: ``core/bands.py`` for ``_bands``, ``core/splitmix.py`` for ``_splitmix``, and for
``_pages`` the tables' field makers (``FIELDS``, one record at a time, written by orjson). Inputs reach the edges the
datasets never do: every integer width, empty and one-element arrays, instants anywhere in int64 (where the C answers
an OverflowError when an instant it computes leaves int64, and only then), text with quotes, escapes and
non-ASCII. ``NATIVE_FUZZ_EXAMPLES`` sets the examples per test.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.apis import _pages, events, interventions
from mockserver.core import _bands, _splitmix, _words, bands, splitmix
from mockserver.core.draws import Hasher, TextPools, renderer

FUZZ = settings(
    max_examples=int(os.environ.get("NATIVE_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
INT64 = (-(2**63), 2**63 - 1)


def test_the_fuzzed_modules_are_the_sanitized_build() -> None:
    root = Path(os.environ["NATIVE_BUILD"]).resolve()
    for module in (_pages, _bands, _splitmix, _words):
        assert Path(str(module.__file__)).resolve().is_relative_to(root), module.__file__


def _outcome(call: Callable[[], Any]) -> Any:
    """What a call answers: its value, or the type of the exception it raises."""
    try:
        return ("value", call())
    except Exception as error:  # (the type is the outcome compared)
        return ("raises", type(error))


# --- _bands -----------------------------------------------------------------------------------------------------------

WIDTHS = st.sampled_from([np.int8, np.int16, np.int32, np.int64])


@st.composite
def bands_args(draw: st.DrawFn) -> tuple[Any, ...]:
    """(start, stop, columns, ops, bounds, perm, codes, category): mostly valid, sometimes not (a band past the
    order, a short column, a bad op, a record index outside the codes)."""
    n = draw(st.integers(0, 200))
    perm = np.array(draw(st.permutations(range(n))), dtype=draw(st.sampled_from([np.int32, np.int64])))
    if n and draw(st.booleans()):
        perm[draw(st.integers(0, n - 1))] = draw(st.integers(-3, n + 3))
    tests = draw(st.integers(0, 3))
    small = st.integers(-4, 4)
    columns = tuple(
        np.array(draw(st.lists(small | st.integers(*INT64), min_size=n, max_size=n)), dtype=np.int64)
        for _ in range(tests)
    )
    ops = bytes(
        draw(st.lists(st.sampled_from(b"><=" if draw(st.integers(0, 9)) else b"><=!"), min_size=tests, max_size=tests))
    )
    bounds = tuple(draw(st.lists(small | st.integers(*INT64), min_size=tests, max_size=tests)))
    start = draw(st.integers(-1, n + 1))
    stop = draw(st.integers(start, n + 1)) if draw(st.integers(0, 9)) else draw(st.integers(-1, n + 1))
    codes = None
    if draw(st.booleans()):
        codes = np.array(draw(st.lists(st.integers(0, 3), max_size=n + 2)), dtype=draw(WIDTHS))
    return (start, stop, columns, ops, bounds, perm, codes, draw(st.integers(0, 3)))


@FUZZ
@given(bands_args())
def test_count_is_the_twins(args: tuple[Any, ...]) -> None:
    assert _outcome(lambda: _bands.count(*args)) == _outcome(lambda: bands.count(*args))


@FUZZ
@given(bands_args(), st.integers(-1, 220), st.integers(-1, 60), st.integers(0, 4), st.booleans())
def test_select_is_the_twins(args: tuple[Any, ...], first: int, more: int, spare: int, totalled: bool) -> None:
    """The same records written and nothing past the room of the ranks asked for, for an ``out`` of any length
    from none (given the total, the C reads a one-test band from its nearer end)."""
    total = _outcome(lambda: bands.count(*args))
    total = total[1] if totalled and total[0] == "value" else -1
    written: dict[ModuleType, Any] = {}
    for impl in (_bands, bands):
        out = np.full(max(more, 0) + spare, -7, dtype=np.int64)
        outcome = _outcome(lambda: impl.select(out, first, first + more, total, *args))  # noqa: B023
        kept = out[: outcome[1]].tolist() if outcome[0] == "value" else []
        written[impl] = (outcome, kept, out[max(more, 0) :].tolist())
    assert written[_bands] == written[bands]
    assert set(written[_bands][2]) <= {-7}


@FUZZ
@given(
    st.lists(st.integers(-5, 5) | st.integers(*INT64), max_size=300),
    st.integers(1, 70) | st.integers(1, 2**62),
    st.integers(*INT64),
    st.booleans(),
    WIDTHS,
    st.booleans(),
)
def test_position_is_the_twins(
    values: list[int], step: int, micros: int, right: bool, width: Any, corrupt: bool
) -> None:
    column = np.array(values, dtype=np.int64)
    order = np.argsort(column, kind="stable")
    perm = order.astype(width) if len(values) <= np.iinfo(width).max else order.astype(np.int64)
    if corrupt and len(perm):
        perm[len(perm) // 2] = -1
    sample = column[order[:: min(step, 2**31)]] if step <= 2**31 else column[order[:1]]
    assert _outcome(lambda: _bands.position(column, perm, sample, step, micros, right)) == _outcome(
        lambda: bands.position(column, perm, sample, step, micros, right)
    )


# --- _splitmix --------------------------------------------------------------------------------------------------------


@FUZZ
@given(
    st.lists(st.integers(0, 2**64 - 1), max_size=100),
    st.none() | st.integers(0, 2**64 - 1) | st.integers(-(2**65), 2**65),
    st.integers(0, 2**64 - 1) | st.integers(-(2**65), 2**65),
)
def test_finish_is_the_twins(values: list[int], key: int | None, seed: int) -> None:
    native, twin = np.array(values, dtype=np.uint64), np.array(values, dtype=np.uint64)
    assert _outcome(lambda: _splitmix.finish(native, key, seed)) == _outcome(lambda: splitmix.finish(twin, key, seed))
    assert native.tolist() == twin.tolist()


# --- _pages -----------------------------------------------------------------------------------------------------------

# Text a pool may hold: JSON's escapes, a NUL, non-ASCII of every UTF-8 length.
PIECES = ('"', "\\", "\n", "\t", "\x00", "\x1f", "/", "é", "中", "😀", "a", " ", "<", "\u2028")


@functools.cache
def _text(seed: int, api: str, names: tuple[str, ...]) -> TextPools:
    def piece(f: Faker) -> str:
        return "".join(f.random_element(PIECES) for _ in range(f.random_int(0, 40)))

    return TextPools("en_US", Hasher(seed, api), dict.fromkeys(names, piece))


def _oracle(render: Callable[[int], dict[str, Any]], indexes: list[int]) -> bytes:
    return orjson.dumps([orjson.Fragment(orjson.dumps(render(i))) for i in indexes])


INSTANTS = st.integers(-(10**15), 10**15) | st.integers(*INT64) | st.sampled_from([INT64[0], INT64[1], 0, -1])


def _near_an_edge(*columns: npt.NDArray[np.int64]) -> bool:
    """Whether an instant a record computes from these may leave int64: a value, or a difference of two, at 2**62
    or beyond (a record adds at most days to them)."""
    values = [abs(int(v)) for column in columns for v in column]
    spans = [abs(int(b) - int(a)) for a, b in zip(columns[0], columns[1], strict=True)]
    return max(values + spans, default=0) >= 2**62


def _same_page(
    page: Callable[[list[int]], bytes],
    render: Callable[[int], dict[str, Any]],
    indexes: list[int],
    *columns: npt.NDArray[np.int64],
) -> None:
    """The C page is the records as rendered alone, or an OverflowError where an instant may leave int64."""
    outcome = _outcome(lambda: page(indexes))
    if outcome == ("raises", OverflowError):
        assert _near_an_edge(*columns)
    else:
        assert outcome == ("value", _oracle(render, indexes))


@st.composite
def datasets(draw: st.DrawFn, columns: int) -> tuple[int, list[int], list[npt.NDArray[np.int64]]]:
    """A seed, a page's indexes and ``columns`` instant columns of 1 to 40 records."""
    count = draw(st.integers(1, 40))
    seed, indexes = draw(st.integers(0, 3)), draw(st.lists(st.integers(0, count - 1), max_size=60))
    times = [np.array(draw(st.lists(INSTANTS, min_size=count, max_size=count)), dtype=np.int64) for _ in range(columns)]
    return seed, indexes, times


@FUZZ
@given(datasets(2), INSTANTS)
def test_an_interventions_page_is_its_records_as_rendered_alone(dataset: Any, anchor: int) -> None:
    seed, indexes, (start, end) = dataset
    hasher = Hasher(seed, "interventions")
    table = interventions._Interventions(start, end, anchor, _text(seed, "interventions", interventions._POOLS))
    render = renderer(hasher, table, interventions.FIELDS, interventions.ORDER)
    _same_page(interventions._page_renderer(table, hasher), render, indexes, start, end)


@FUZZ
@given(datasets(4), st.data())
def test_an_events_page_is_its_records_as_rendered_alone(dataset: Any, data: st.DataObject) -> None:
    seed, indexes, (start, end, created, updated) = dataset
    count = len(start)
    high, low = (
        np.array(data.draw(st.lists(st.integers(0, 2**64 - 1), min_size=count, max_size=count)), dtype=np.uint64)
        for _ in range(2)
    )
    codes = np.array(
        data.draw(st.lists(st.integers(0, len(events.CATEGORIES) - 1), min_size=count, max_size=count)), dtype=np.int8
    )
    hasher = Hasher(seed, "events")
    table = events._Events(start, end, created, updated, high, low, codes, _text(seed, "events", events._DRAWN))
    render = renderer(hasher, table, events.FIELDS)
    _same_page(events._page_renderer(table, hasher), render, indexes, start, end, created, updated)


@FUZZ
@given(st.lists(st.integers(-3, 45) | st.integers(*INT64) | st.just(2**64), max_size=20), WIDTHS)
def test_an_index_outside_the_dataset_is_refused(indexes: list[int], width: Any) -> None:
    count = 40
    start = np.arange(count, dtype=np.int64)
    hasher = Hasher(0, "interventions")
    table = interventions._Interventions(start, start, 0, _text(0, "interventions", interventions._POOLS))
    page = interventions._page_renderer(table, hasher)
    render = renderer(hasher, table, interventions.FIELDS, interventions.ORDER)
    if all(0 <= i < count for i in indexes):
        assert page(indexes) == _oracle(render, indexes)
    else:
        assert _outcome(lambda: page(indexes))[0] == "raises"
    fits = [i for i in indexes if np.iinfo(width).min <= i <= np.iinfo(width).max]
    array = np.array(fits, dtype=width)
    outcome = _outcome(lambda: page(array))
    if width in (np.int32, np.int64) and all(0 <= i < count for i in fits):
        assert outcome == ("value", _oracle(render, fits))
    else:
        assert outcome[0] == "raises"
