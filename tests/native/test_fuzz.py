"""Every entry point of the compiled modules against its Python twin, on generated input, under the sanitized build
(``make check-native``: AddressSanitizer and UndefinedBehaviorSanitizer abort the run on any out-of-bounds access or
undefined behaviour, so each example is also a memory-safety check).

The twins are the references: ``core/bands.py`` for ``_bands``, ``core/splitmix.py`` for ``_splitmix``, and for
``_pages`` the Python renderer of any table of fields (``core/render.py``, one record at a time, written by orjson),
on tables drawn by Hypothesis, and programs of any numbers, which the writer must refuse or run safely. Inputs reach
the edges the datasets never do: every integer width, empty and one-element arrays, instants anywhere in int64 (an
OverflowError where a value leaves int64, from both), text with quotes, escapes and non-ASCII.
``NATIVE_FUZZ_EXAMPLES`` sets the examples per test.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.apis.fields import events, interventions
from mockserver.core import _bands, _pages, _splitmix, _words, bands, splitmix
from mockserver.core import fields as fld
from mockserver.core.program import context_args, page_renderer
from mockserver.core.render import Dataset, Table, python_renderer
from mockserver.core.sequences import Compiler, Outline
from tests.native.kernels import every_operation
from tests.support.tables import INT64, datasets, rendered_alone, tables

FUZZ = settings(
    max_examples=int(os.environ.get("NATIVE_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


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


@FUZZ
@given(tables(), datasets(), st.data())
def test_a_page_of_any_table_is_its_records_as_rendered_alone(
    table: tuple[tuple[fld.Field, ...], tuple[str, ...]], data: Dataset, draw: st.DataObject
) -> None:
    fields, order = table
    compiled = Table(data, fields, order)
    render = python_renderer(compiled)
    indexes = draw.draw(st.lists(st.integers(-3, data.count + 3) | st.integers(*INT64), max_size=40))
    expected = _outcome(lambda: rendered_alone(render, indexes))
    native = _outcome(lambda: page_renderer(compiled)(indexes))
    if all(0 <= i < data.count for i in indexes):
        assert native == expected
    else:
        assert native[0] == "raises"


@FUZZ
@given(datasets(), st.lists(st.integers(-3, 40) | st.integers(*INT64), max_size=60), st.data())
def test_any_program_is_refused_or_runs(data: Dataset, code: list[int], draw: st.DataObject) -> None:
    """A program of any numbers (mostly the operations' codes and small operands) is refused when the context is
    made, or verified and run: never a read outside what the context holds."""
    args = list(context_args(Table(data, (fld.text("t", "p0"), fld.integer("n", fld.Column("c0"))), ())))
    args[5] = code
    args[6] = draw.draw(st.lists(st.integers(-2, len(code) + 1), min_size=6, max_size=6))
    args[7] = draw.draw(st.lists(st.integers(-2, 8), min_size=5, max_size=10))
    context = _outcome(lambda: _pages.context(*args))
    if context[0] == "value":
        page = _outcome(lambda: _pages.page(context[1], list(range(data.count))))
        assert page[0] == "raises" or page[1].startswith(b"[")


# --- _pages: the generated kernels ------------------------------------------------------------------------------------

SHIPPED = {"events": events.FIELDS, "interventions": interventions.FIELDS}


def _kernel_writes_the_records_as_rendered_alone(compiled: Table, kernel: str) -> None:
    """``compiled``'s page of every record is made by ``kernel`` and is the Python renderer's (or the same error)."""
    context = _pages.context(*context_args(compiled))
    assert _pages.kernel(context) == kernel
    render = python_renderer(compiled)
    indexes = list(range(compiled.data.count))
    expected = _outcome(lambda: rendered_alone(render, indexes))
    assert _outcome(lambda: _pages.page(context, indexes)) == expected


@FUZZ
@given(datasets())
def test_the_kernel_of_every_operation_writes_any_dataset_s_records_as_rendered_alone(data: Dataset) -> None:
    _kernel_writes_the_records_as_rendered_alone(Table(data, every_operation.FIELDS, ()), "every_operation")


@FUZZ
@given(st.sampled_from(sorted(SHIPPED)), st.data())
def test_a_shipped_table_s_kernel_writes_any_dataset_s_records_as_rendered_alone(api: str, draw: st.DataObject) -> None:
    """The shipped tables' kernels on columns anywhere in int64 (instants whose arithmetic leaves it, categories
    outside the choices) and any anchor: the Python renderer's records, or the same error."""
    fields = SHIPPED[api]
    compiler = Compiler(Outline(fields))
    compiler.fields()
    pools = tuple(sorted({f.write.pool for f in fields if isinstance(f.write, fld.AsText)}))
    data = draw.draw(datasets(names=tuple(compiler.columns), pools=pools))
    _kernel_writes_the_records_as_rendered_alone(Table(data, fields, ()), api)
