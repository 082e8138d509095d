# The store's band check written in C (_bands.c): what it takes is described there.
from typing import Any

import numpy as np
import numpy.typing as npt

def count(
    start: int,
    stop: int,
    columns: tuple[npt.NDArray[np.int64], ...],
    ops: bytes,
    bounds: tuple[int, ...],
    perm: npt.NDArray[np.signedinteger[Any]],
    codes: npt.NDArray[np.signedinteger[Any]] | None,
    category: int,
    /,
) -> int: ...
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
    perm: npt.NDArray[np.signedinteger[Any]],
    codes: npt.NDArray[np.signedinteger[Any]] | None,
    category: int,
    /,
) -> int: ...
def position(
    values: npt.NDArray[np.int64],
    perm: npt.NDArray[np.signedinteger[Any]],
    sample: npt.NDArray[np.int64],
    step: int,
    micros: int,
    right: bool,
    /,
) -> int: ...
