"""Any table of fields is rendered by the native writer (``core/_pages.c``) byte for byte as the Python renderer
renders it, record by record (``core/render.py``, then orjson): tables no API ships, drawn by Hypothesis
(``tests/support/tables.py``), over datasets whose columns reach int64's ends. Where the Python renderer refuses a
record (a value outside int64, a choice out of range), the native writer refuses the page with the same exception.
The oracle is the Python renderer, which the golden samples and test_draw_streams pin for the shipped tables."""

from __future__ import annotations

import os

import numpy as np
import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.core import fields as fld
from mockserver.core.draws import Hasher, TextPools
from mockserver.core.program import page_renderer
from mockserver.core.render import Dataset, Table, python_renderer
from tests.support.tables import datasets, outcome, tables

EXAMPLES = settings(
    max_examples=int(os.environ.get("NATIVE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _pages_of(
    fields: tuple[fld.Field, ...], order: tuple[str, ...], data: Dataset, indexes: list[int]
) -> tuple[object, object]:
    table = Table(data, fields, order)
    render = python_renderer(table)
    expected = outcome(lambda: orjson.dumps([orjson.Fragment(orjson.dumps(render(i))) for i in indexes]))
    return outcome(lambda: page_renderer(table)(indexes)), expected


@EXAMPLES
@given(tables(), datasets(), st.data())
def test_a_native_page_of_any_table_is_its_records_as_python_renders_them(
    table: tuple[tuple[fld.Field, ...], tuple[str, ...]], data: Dataset, draw: st.DataObject
) -> None:
    count = len(data.columns["c0"])
    indexes = draw.draw(st.lists(st.integers(0, count - 1), max_size=40))
    native, python = _pages_of(*table, data, indexes)
    assert native == python


def _decimal_edges() -> list[int]:
    """Every integer at a change of decimal length (10**k - 1, 10**k, either sign) and int64's ends."""
    edges = {0, -(2**63), 2**63 - 1}
    for k in range(19):
        for value in (10**k - 1, 10**k, 10**k + 1):
            edges |= {value, -value}
    return sorted(edges)


def test_integers_at_every_change_of_decimal_length_are_written_as_python_writes_them() -> None:
    """The native writer counts an integer's digits before writing them (``decimal_length``): its count must be
    right exactly where the count changes."""
    edges = _decimal_edges()
    column = np.array(edges, dtype=np.int64)
    column.setflags(write=False)
    data = Dataset(Hasher(0, "tables"), {"c0": column}, 0, TextPools("en_US", Hasher(0, "tables"), {}))
    native, python = _pages_of((fld.integer("n", fld.Column("c0")),), ("n",), data, list(range(len(edges))))
    assert native == python == ("value", orjson.dumps([{"n": value} for value in edges]))
