# The native record writer (_pages.c): what it takes is described there.
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

class Context: ...  # a dataset's columns, keys, compiled table, pools and texts, kept for its pages (a capsule)

OPS: tuple[str, ...]
WRITERS: tuple[str, ...]

def context(
    count: int,
    columns: tuple[npt.NDArray[np.signedinteger[Any]], ...],
    record_key: int,
    seed: int,
    keys: Sequence[int],
    code: Sequence[int],
    fields: Sequence[int],
    writes: Sequence[int],
    pools: tuple[tuple[bytes, ...], ...],
    texts: tuple[bytes, ...],
    /,
) -> Context: ...
def page(context: Context, indexes: Sequence[int] | npt.NDArray[np.signedinteger[Any]], /) -> bytes: ...
def kernel(context: Context, /) -> str | None: ...  # the generated kernel that makes its batches, or None
