"""The store's search and band check, in C (mockserver/core/_bands.c) and in Python (its twin and reference,
mockserver/core/bands.py), each against numpy's answers on generated data.

Values are drawn from a few distinct ones (long runs of ties, bounds equal to values), so that every operator's
edge and a search's side show; ``select`` writes into a longer array whose tail must stay untouched.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.core import _bands, bands

OPS = {">=": b">", "<": b"<", "<=": b"="}
SENTINEL = -7
BOTH = pytest.mark.parametrize("impl", [_bands, bands], ids=["C", "Python"])


def _kept(columns: list[npt.NDArray[np.int64]], ops: list[str], bounds: list[int], start: int, stop: int) -> list[int]:
    """The oracle: the records (here position k names record k) of [start, stop) where every test holds."""
    keep = np.ones(stop - start, dtype=bool)
    for column, op, bound in zip(columns, ops, bounds, strict=True):
        v = column[start:stop]
        keep &= v >= bound if op == ">=" else v < bound if op == "<" else v <= bound
    return (start + np.flatnonzero(keep)).tolist()


BANDS = st.integers(1, 300).flatmap(
    lambda n: st.tuples(
        st.lists(
            st.tuples(
                st.lists(st.integers(-3, 3), min_size=n, max_size=n),
                st.sampled_from(list(OPS)),
                st.integers(-4, 4),
            ),
            max_size=3,
        ),
        st.integers(0, n).flatmap(lambda a: st.tuples(st.just(a), st.integers(a, n))),
    )
)


@BOTH
@given(BANDS, st.integers(0, 300), st.integers(0, 40))
def test_count_and_select_are_a_scan_of_the_band(
    impl: ModuleType, band: tuple[Any, Any], first: int, more: int
) -> None:
    tests, (start, stop) = band
    columns = [np.array(values, dtype=np.int64) for values, _, _ in tests]
    ops, bounds = [op for _, op, _ in tests], [bound for _, _, bound in tests]
    n = max([len(c) for c in columns], default=stop)
    perm = np.arange(n, dtype=np.int32)
    args = (start, stop, tuple(columns), b"".join(OPS[op] for op in ops), tuple(bounds), perm, None, -1)
    expected = _kept(columns, ops, bounds, start, stop)
    assert impl.count(*args) == len(expected)
    for total in (-1, len(expected)):  # counted as it goes, or ranked from the total (read backwards where nearer)
        out = np.full(more + 5, SENTINEL, dtype=np.int64)
        written = impl.select(out, first, first + more, total, *args)
        assert out[:written].tolist() == expected[first : first + more]
        assert (out[more:] == SENTINEL).all()  # nothing written past the room of the ranks asked for


@BOTH
@pytest.mark.parametrize("op", list(OPS))
def test_every_page_of_a_one_test_band_is_found_from_either_end(impl: ModuleType, op: str) -> None:
    """Given the total, a page nearer the band's end is read backwards: every page of every size, both ways."""
    values = np.random.default_rng(7).integers(-3, 4, 120).astype(np.int64)
    perm = np.random.default_rng(8).permutation(120).astype(np.int32)
    args = (5, 115, (values,), OPS[op], (0,), perm, None, -1)
    expected = perm[_kept([values], [op], [0], 5, 115)].tolist()
    for first in range(len(expected) + 2):
        for more in (1, 3, 40):
            for total in (-1, len(expected)):
                out = np.full(more + 1, SENTINEL, dtype=np.int64)
                written = impl.select(out, first, first + more, total, *args)
                assert out[:written].tolist() == expected[first : first + more], (first, more, total)
                assert out[more] == SENTINEL


@BOTH
@pytest.mark.parametrize("op", list(OPS))
def test_every_page_of_a_sparse_one_test_band_is_found(impl: ModuleType, op: str) -> None:
    """Matches few and far between (whole blocks of 64 positions without one, the overlap rule's band far from the
    window), counted as it goes: every page of a few sizes."""
    rng = np.random.default_rng(9)
    hit, miss = (-1, 5) if op == "<" else (0, 5) if op == "<=" else (0, -5)
    values = np.where(rng.random(3000) < 0.01, hit, miss).astype(np.int64)
    perm = rng.permutation(3000).astype(np.int32)
    args = (10, 2990, (values,), OPS[op], (0,), perm, None, -1)
    expected = perm[_kept([values], [op], [0], 10, 2990)].tolist()
    assert 10 < len(expected) < 60
    for first in range(len(expected) + 2):
        for more in (1, 7, 100):
            out = np.full(more + 1, SENTINEL, dtype=np.int64)
            written = impl.select(out, first, first + more, -1, *args)
            assert out[:written].tolist() == expected[first : first + more], (first, more)
            assert out[more] == SENTINEL


@BOTH
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=200),
    st.lists(st.integers(0, 2), min_size=1, max_size=200),
    st.integers(0, 2),
)
def test_a_category_keeps_the_records_of_its_code(
    impl: ModuleType, values: list[int], codes: list[int], category: int
) -> None:
    n = min(len(values), len(codes))
    column = np.array(values[:n], dtype=np.int64)
    perm = np.random.default_rng(n).permutation(n).astype(np.int64)  # positions name records through perm
    code = np.array(codes[:n], dtype=np.int8)
    keep = (column >= 2) & (code[perm] == category)
    args = (0, n, (column,), b">", (2,), perm, code, category)
    assert impl.count(*args) == int(keep.sum())
    out = np.empty(n, dtype=np.int64)
    assert out[: impl.select(out, 0, n, -1, *args)].tolist() == perm[np.flatnonzero(keep)].tolist()


@BOTH
@given(
    st.lists(st.integers(-5, 5), min_size=0, max_size=500),
    st.integers(1, 70),
    st.integers(-6, 6),
    st.booleans(),
)
def test_a_position_is_searchsorted_of_the_sorted_values(
    impl: ModuleType, values: list[int], step: int, micros: int, right: bool
) -> None:
    column = np.array(values, dtype=np.int64)
    perm = np.argsort(column, kind="stable").astype(np.int32)
    sample = column[perm[::step]]
    expected = int(np.searchsorted(column[perm], micros, "right" if right else "left"))
    assert impl.position(column, perm, sample, step, micros, right) == expected


@BOTH
def test_bad_arguments_are_exceptions(impl: ModuleType) -> None:
    column, perm = np.zeros(4, dtype=np.int64), np.arange(4, dtype=np.int64)
    with pytest.raises(IndexError):
        impl.count(0, 5, (column,), b">", (0,), perm, None, -1)
    with pytest.raises(ValueError, match="op"):
        impl.count(0, 4, (column,), b"!", (0,), perm, None, -1)
    with pytest.raises(ValueError, match="do not fit"):
        impl.select(np.empty(1, dtype=np.int64), 0, 2, -1, 0, 4, (column,), b">", (0,), perm, None, -1)
    with pytest.raises(TypeError):
        impl.count(0, 4, (column.astype(np.float64),), b">", (0,), perm, None, -1)
    with pytest.raises(IndexError, match="outside values"):
        impl.position(column, perm + 10, column[:1], 4, 1, False)
    with pytest.raises(ValueError, match="overflow"):
        impl.position(column, perm, np.zeros(3, dtype=np.int64), 2**62, 1, False)


@BOTH
def test_select_of_no_rank_writes_nothing(impl: ModuleType) -> None:
    """``first == last`` asks for no rank: nothing is written, not even the scans' tentative value (the one-test scan
    wrote it at ``out[0]``, past an empty ``out``: a heap overflow under AddressSanitizer)."""
    column = np.arange(200, dtype=np.int64)
    perm = np.arange(200, dtype=np.int32)
    args = (0, 200, (column,), OPS[">="], (0,), perm, None, -1)
    for first in (0, 5, 150):
        out = np.full(4, SENTINEL, dtype=np.int64)
        assert impl.select(out, first, first, -1, *args) == 0
        assert (out == SENTINEL).all()
