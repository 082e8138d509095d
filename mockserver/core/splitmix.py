"""The column draws of ``draws.Hasher``, in Python: the reference of ``_splitmix.c`` (the same contract, the same
values; ``native`` chooses which runs).

``finish(flat, key, seed)``: ``flat`` is a 1-D C-contiguous uint64 array, written in place: each value ``v`` becomes
``mix64(mix64(v) + seed)``, where ``v`` is first replaced by its own position xor ``key`` when ``key`` is not None
(``Hasher.column``: record i's value is ``mix64(mix64(i ^ key) + seed)``). All arithmetic wraps at 64 bits, as
numpy's unsigned arrays and the one-value ``draws.mix64`` (masked) do; tests/core/test_draws.py holds them equal.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["finish"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix64(z: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """SplitMix64's finaliser on every value (numpy's uint64 arithmetic wraps)."""
    z = z + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


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
    values[:] = _mix64(_mix64(values) + seed_)
