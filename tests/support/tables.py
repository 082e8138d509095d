"""Hypothesis strategies of tables of fields (``core/fields.py``) and of datasets for them: any table the descriptors
can state, with values reaching every edge (int64's ends, absent fields, choices out of range, text that JSON
escapes), so that the native writer is checked against the Python renderer on tables no API ships."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import orjson
from faker import Faker
from hypothesis import strategies as st

from mockserver.core import fields as fld
from mockserver.core.draws import Hasher, TextPools
from mockserver.core.render import Dataset

__all__ = ["INT64", "datasets", "tables"]

INT64 = (-(2**63), 2**63 - 1)
WIDTHS: tuple[type[np.signedinteger[Any]], ...] = (np.int8, np.int16, np.int32, np.int64)
POOLS = ("p0", "p1")
# Text a pool, a prefix or a name may hold: JSON's escapes, a NUL, non-ASCII of every UTF-8 length.
PIECES = ('"', "\\", "\n", "\t", "\x00", "\x1f", "/", "é", "中", "😀", "a", " ", "<", "\u2028")

INSTANTS = st.integers(-(10**15), 10**15) | st.integers(*INT64) | st.sampled_from([INT64[0], INT64[1], 0, -1])
SMALL = st.integers(-3, 3)
UNITS = (60_000_000, 86_400_000_000, -60_000_000)  # a minute, a day, a minute back (in µs)
TEXT = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


@functools.cache
def _pools(seed: int, names: tuple[str, ...] = POOLS) -> TextPools:
    def piece(f: Faker) -> str:
        return "".join(f.random_element(PIECES) for _ in range(f.random_int(0, 40)))

    return TextPools("en_US", Hasher(seed, "tables"), dict.fromkeys(names, piece))


@st.composite
def datasets(
    draw: st.DrawFn, columns: int = 3, names: tuple[str, ...] | None = None, pools: tuple[str, ...] = POOLS
) -> Dataset:
    """A dataset of 1 to 30 records: ``columns`` columns (``c0``...; or the columns ``names``) of any signed width,
    pools ``p0`` and ``p1`` (or ``pools``)."""
    count, seed = draw(st.integers(1, 30)), draw(st.integers(0, 3))
    made = {}
    for name in names if names is not None else [f"c{k}" for k in range(columns)]:
        width: type[np.signedinteger[Any]] = draw(st.sampled_from(WIDTHS))
        low, high = int(np.iinfo(width).min), int(np.iinfo(width).max)
        values = draw(
            st.lists(
                st.integers(low, high) | st.integers(max(low, -(10**15)), min(high, 10**15)) | SMALL,
                min_size=count,
                max_size=count,
            )
        )
        column = np.array(values, dtype=width)
        column.setflags(write=False)
        made[name] = column
    return Dataset(Hasher(seed, "tables"), made, draw(INSTANTS), _pools(seed, pools))


NAMES = ("f0", 'f1"q', "f2é中", "f3", "f4\\", "f5", "f6", "f7")  # a field's name is written as JSON


_LEAVES: dict[tuple[int, int], st.SearchStrategy[fld.Expr]] = {}


def _leaves(made: int, columns: int) -> st.SearchStrategy[fld.Expr]:
    _exprs(made, columns)
    return _LEAVES[(made, columns)]


@functools.cache
def _exprs(made: int, columns: int) -> st.SearchStrategy[fld.Expr]:
    """Values of a field made after ``made`` others (built once per shape: Hypothesis then draws from it fast)."""
    names = NAMES[:made]
    leaves: list[st.SearchStrategy[fld.Expr]] = [
        st.builds(fld.Index, SMALL),
        st.builds(fld.Const, st.integers(*INT64) | SMALL),
        st.just(fld.Anchor()),
        st.just(fld.Bits()),
        st.integers(-(2**40), 2**40).flatmap(
            lambda low: st.builds(fld.Draw, st.just(low), st.integers(low, low + 2**32 - 1))
        ),
    ]
    if columns:
        leaves.append(st.builds(fld.Column, st.sampled_from([f"c{k}" for k in range(columns)])))
    if names:
        leaves.append(st.builds(fld.Ref, st.sampled_from(names)))
    leaf = st.one_of(leaves)
    _LEAVES[(made, columns)] = leaf

    def grow(inner: st.SearchStrategy[fld.Expr]) -> st.SearchStrategy[fld.Expr]:
        cond = _conds(leaf)  # (conditions over the leaves: a strategy's repr stays short)
        return st.one_of(
            st.builds(fld.Add, inner, inner),
            st.builds(
                fld.Scale,
                inner,
                SMALL | st.sampled_from([60_000_000, 86_400_000_000, -60_000_000]) | st.integers(*INT64),
            ),
            st.builds(fld.Max, st.lists(inner, min_size=1, max_size=3).map(tuple)),
            st.builds(fld.If, cond, inner, inner),
            st.builds(fld.Test, cond),
        )

    return st.recursive(leaf, grow, max_leaves=6)


@functools.cache
def _conds(exprs: st.SearchStrategy[fld.Expr]) -> st.SearchStrategy[fld.Cond]:
    leaf = st.one_of(
        st.builds(fld.Chance, st.floats(0, 1) | st.sampled_from([0.0, 1.0, 0.5])),
        st.builds(fld.Present, exprs),
        st.builds(fld.Truthy, exprs),
        st.builds(fld.Less, exprs, exprs),
        st.builds(fld.Equal, exprs, exprs | SMALL.map(fld.Const)),
    )
    return st.recursive(
        leaf,
        lambda inner: (
            st.builds(fld.Not, inner) | st.builds(fld.Both, inner, inner) | st.builds(fld.Either, inner, inner)
        ),
        max_leaves=3,
    )


@functools.cache
def _writers(exprs: st.SearchStrategy[fld.Expr]) -> st.SearchStrategy[fld.Writer]:
    choices = st.lists(st.integers(-5, 5) | TEXT | st.booleans() | st.none(), min_size=1, max_size=4).map(tuple)
    return st.one_of(
        st.just(fld.AsInteger()),
        st.just(fld.AsBoolean()),
        st.builds(fld.AsInstant, st.integers(-24 * 60 + 1, 24 * 60 - 1) | st.sampled_from([0, 480, -300])),
        st.builds(fld.AsText, st.sampled_from(POOLS)),
        st.builds(fld.AsUuid, TEXT, TEXT),
        st.builds(fld.AsChoice, choices),
        st.builds(fld.AsId130, exprs),
    )


@st.composite
def tables(draw: st.DrawFn, columns: int = 3) -> tuple[tuple[fld.Field, ...], tuple[str, ...]]:
    """A table of 1 to 8 fields, each reading only fields before it, and the order to write them in (a part of the
    names, shuffled: the rest follow in table order)."""
    names: list[str] = []
    fields = []
    for k in range(draw(st.integers(1, len(NAMES)))):
        exprs = _exprs(k, columns)
        when = draw(st.none() | _conds(_leaves(k, columns)))
        fields.append(fld.Field(NAMES[k], draw(exprs), draw(_writers(exprs)), when))
        names.append(NAMES[k])
    order = draw(st.permutations(names))[: draw(st.integers(0, len(names)))]
    return tuple(fields), tuple(order)


def outcome(call: Any) -> tuple[str, Any]:
    """What a call answers: its value, or the type of the exception it raises."""
    try:
        return ("value", call())
    except (OverflowError, ValueError) as error:  # (the type is the outcome compared)
        return ("raises", type(error))


def rendered_alone(render: Callable[[int], Any], indexes: Sequence[int]) -> bytes:
    """The page writer's oracle: the JSON array of the records as the Python renderer writes each alone."""
    return orjson.dumps([orjson.Fragment(orjson.dumps(render(i))) for i in indexes])
