# The page renderers written in C (_pages.c): what they take is described there.
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

class Context: ...  # a dataset's columns, keys and pools, kept for its pages (a capsule)

INTERVENTIONS_FIELDS: tuple[str, ...]

def events_context(
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    created: npt.NDArray[np.int64],
    updated: npt.NDArray[np.int64],
    high: npt.NDArray[np.uint64],
    low: npt.NDArray[np.uint64],
    category: npt.NDArray[np.int8],
    record_key: int,
    seed: int,
    keys: Sequence[int],
    thresholds: Sequence[float],
    pools: tuple[tuple[bytes, ...], ...],
    categories: tuple[bytes, ...],
    offset_minutes: int,
    /,
) -> Context: ...
def events_page(context: Context, indexes: Sequence[int] | npt.NDArray[np.signedinteger[Any]], /) -> bytes: ...
def interventions_context(
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    anchor: int,
    record_key: int,
    seed: int,
    keys: Sequence[int],
    lows: Sequence[int],
    spans: Sequence[int],
    thresholds: Sequence[float],
    pools: tuple[tuple[bytes, ...], ...],
    /,
) -> Context: ...
def interventions_page(context: Context, indexes: Sequence[int] | npt.NDArray[np.signedinteger[Any]], /) -> bytes: ...
