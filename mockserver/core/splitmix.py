"""SplitMix64 in Python: ``mix64``, the one Python definition of the hash every generated value comes from (its C
twin is ``splitmix64.h``), and ``finish``, the reference of ``_splitmix.c`` (the same contract, the same values;
``native`` chooses which runs).

``mix64(z)`` takes a Python int (read modulo 2**64) or an array of uint64 (numpy's unsigned arithmetic wraps) and
gives the same values for both.

``finish(flat, key, seed)``: ``flat`` is a 1-D C-contiguous uint64 array, written in place: each value ``v`` becomes
``mix64(mix64(v) + seed)``, where ``v`` is first replaced by its own position xor ``key`` when ``key`` is not None
(``Hasher.column``: record i's value is ``mix64(mix64(i ^ key) + seed)``). tests/core/test_draws.py holds the C and
Python equal.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["GOLDEN", "MASK", "MULTIPLIERS", "SHIFTS", "finish", "mix64"]

MASK = 2**64 - 1
GOLDEN = 0x9E3779B97F4A7C15  # added first
MULTIPLIERS = (0xBF58476D1CE4E5B9, 0x94D049BB133111EB)  # each after a xor-shift by SHIFTS[0], then SHIFTS[1]
SHIFTS = (30, 27, 31)  # the last one ends the finaliser

Z = TypeVar("Z", int, npt.NDArray[np.uint64])


def mix64(z: Z) -> Z:
    """SplitMix64's finaliser (the masks keep a Python int to 64 bits; an array's values wrap by themselves)."""
    y: Any = z  # (numpy's stubs type uint64 arithmetic with Python ints as signed: the values stay uint64)
    y = (y + GOLDEN) & MASK
    y = ((y ^ (y >> SHIFTS[0])) * MULTIPLIERS[0]) & MASK
    y = ((y ^ (y >> SHIFTS[1])) * MULTIPLIERS[1]) & MASK
    result: Z = y ^ (y >> SHIFTS[2])
    return result


def finish(flat: npt.NDArray[np.uint64], key: int | None, seed: int, /) -> None:
    """The draws of ``flat`` in place (see the module)."""
    view = memoryview(flat)  # type: ignore[arg-type]  # any buffer, as the C takes: a TypeError for anything else
    format = view.format.lstrip("@=<")
    if view.ndim != 1 or view.itemsize != 8 or format not in ("L", "Q") or view.readonly or not view.c_contiguous:
        raise TypeError("flat: a 1-D array of uint64 expected")
    values = np.frombuffer(view, dtype=np.uint64)
    key_, seed_ = (None if key is None else np.uint64(key)), np.uint64(seed)  # OverflowError outside 64 bits, as C
    if key_ is not None:
        values[:] = np.arange(len(values), dtype=np.uint64) ^ key_
    values[:] = mix64(mix64(values) + seed_)
