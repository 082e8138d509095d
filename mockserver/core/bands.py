"""The store's band check and search, in Python: the reference of ``_bands.c`` (the same contract, the same
answers; ``native`` chooses which runs).

  count(start, stop, columns, ops, bounds, perm, codes, category) -> int
  select(out, first, last, total, start, stop, columns, ops, bounds, perm, codes, category) -> int
  position(values, perm, sample, step, micros, right) -> int

Position k of [start, stop) matches when, for every test t, ``columns[t][k] <op> bounds[t]`` holds (``columns``: int64
arrays aligned with the order, ``ops``: b">" for >=, b"<" for <, b"=" for <=, at most 8 tests) and, when ``codes``
is not None, ``codes[perm[k]] == category`` (``perm``: the order's record indexes; ``codes``: an integer column by
record; a record outside it matches nothing). ``count`` says how many match; ``select`` writes the records
(``perm[k]``) of the matches ranked [first, last) in order to ``out`` (int64, at least last - first long) and says
how many it wrote (nothing is written past them: ``total``, how many match or -1, only lets the C read a band from its
nearer end). ``position`` is ``searchsorted`` of ``micros`` (side right when ``right``) in ``values`` sorted by
``perm``: a binary search of ``sample`` (every ``step``-th sorted value), then of one run of ``step`` values read
through ``perm``. Bad arguments raise what the C raises: TypeError for an array of the wrong kind, ValueError for a
bad op or size, IndexError for a band or a record outside its array.
"""

from __future__ import annotations

import bisect
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["count", "position", "select"]

MAX_TESTS = 8
_Ints = npt.NDArray[np.signedinteger[Any]]


def _take(array: object, what: str, itemsize: int = 0, writable: bool = False) -> _Ints:
    """A 1-D C-contiguous array of signed integers of ``itemsize`` bytes (1, 2, 4 or 8 when 0), as a numpy view."""
    view = memoryview(array)  # type: ignore[arg-type]  # any buffer, as the C takes: a TypeError for anything else
    format = view.format.lstrip("@=<")
    if (
        view.ndim != 1
        or len(format) != 1
        or format not in "bhilq"
        or view.itemsize not in (1, 2, 4, 8)
        or (itemsize and view.itemsize != itemsize)
        or not view.c_contiguous
    ):
        raise TypeError(f"{what}: a 1-D integer array expected")
    if writable and view.readonly:
        raise TypeError(f"{what}: a writable array expected")
    return np.frombuffer(view, dtype=np.dtype(f"i{view.itemsize}"))


def _matches(
    start: int,
    stop: int,
    columns: tuple[npt.NDArray[np.int64], ...],
    ops: bytes,
    bounds: tuple[int, ...],
    perm: _Ints,
    codes: _Ints | None,
    category: int,
) -> tuple[npt.NDArray[np.bool_], _Ints]:
    """Which positions of [start, stop) match, and the order's records there."""
    if not isinstance(columns, tuple) or not isinstance(ops, bytes) or not isinstance(bounds, tuple):
        raise TypeError("columns, ops, bounds: a tuple, bytes and a tuple expected")
    if len(columns) > MAX_TESTS or len(ops) != len(columns) or len(bounds) != len(columns):
        raise ValueError(f"one column, op and bound per test, at most {MAX_TESTS}")
    records = _take(perm, "perm")
    if start < 0 or start > stop or stop > len(records):
        raise IndexError("the band lies outside the order")
    keep = np.ones(stop - start, dtype=bool)
    for column, op, bound in zip(columns, ops, bounds, strict=True):
        values = _take(column, "a column", 8)
        if len(values) < stop:
            raise IndexError("a column is shorter than the band's end")
        v, b = values[start:stop], np.int64(bound)
        if op == ord(">"):
            keep &= v >= b
        elif op == ord("<"):
            keep &= v < b
        elif op == ord("="):
            keep &= v <= b
        else:
            raise ValueError(f"op {chr(op)}: one of > (>=), < (<) and = (<=) expected")
    band = records[start:stop]
    if codes is not None:
        code = _take(codes, "codes")
        inside = (band >= 0) & (band < len(code))
        keep &= inside
        keep[inside] &= code[band[inside]] == np.int64(category)
    return keep, band


def count(
    start: int,
    stop: int,
    columns: tuple[npt.NDArray[np.int64], ...],
    ops: bytes,
    bounds: tuple[int, ...],
    perm: _Ints,
    codes: _Ints | None,
    category: int,
    /,
) -> int:
    """How many positions of the band match."""
    keep, _ = _matches(start, stop, columns, ops, bounds, perm, codes, category)
    return int(np.count_nonzero(keep))


def select(
    out: npt.NDArray[np.int64],
    first: int,
    last: int,
    total: int,
    start: int,
    stop: int,
    columns: tuple[npt.NDArray[np.int64], ...],
    ops: bytes,
    bounds: tuple[int, ...],
    perm: _Ints,
    codes: _Ints | None,
    category: int,
    /,
) -> int:
    """The records of the matches ranked [first, last), written to ``out``; how many were written."""
    room = _take(out, "out", 8, writable=True)
    if first < 0 or last < first or len(room) < last - first:
        raise ValueError(f"ranks [{first}, {last}) do not fit in out")
    keep, band = _matches(start, stop, columns, ops, bounds, perm, codes, category)
    kept = band[np.flatnonzero(keep)[first:last]]
    room[: len(kept)] = kept
    return len(kept)


def position(
    values: npt.NDArray[np.int64],
    perm: _Ints,
    sample: npt.NDArray[np.int64],
    step: int,
    micros: int,
    right: bool,
    /,
) -> int:
    """Where ``micros`` goes in ``values`` sorted by ``perm`` (``searchsorted``'s answer)."""
    if step < 1:
        raise ValueError(f"step: {step} is not positive")
    column, records, sampled = _take(values, "values", 8), _take(perm, "perm"), _take(sample, "sample", 8)
    if len(sampled) > (2**63 - 1) // step:
        raise ValueError(f"step: {len(sampled)} samples of {step} values overflow")
    search = bisect.bisect_right if right else bisect.bisect_left  # the C's binary searches, step for step
    low = search(sampled, micros)
    length = len(records)
    high, low = min(low * step, length), min(max(low - 1, 0) * step, length)

    def value(k: int) -> int:
        record = int(records[k])
        if not 0 <= record < len(column):
            raise IndexError("perm names a record outside values")
        return int(column[record])

    return search(range(len(records)), micros, low, max(low, high), key=value)
