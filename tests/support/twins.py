"""The Python twins in place of the compiled modules within one process, as ``MOCKSERVER_PURE=1`` selects them at
import: the store's band check and search, the column draws, and the Python renderer for the native record writer."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from mockserver.core import bands, draws, render, splitmix
from mockserver.core import store as store_module

__all__ = ["python_twins"]

_SWAPS = (
    (store_module, "search", bands.position),
    (store_module, "band_count", bands.count),
    (store_module, "band_select", bands.select),
    (draws, "finish", splitmix.finish),
    (render, "NATIVE", False),
)


@contextlib.contextmanager
def python_twins() -> Iterator[None]:
    """Within the block, what is built and queried runs on the twins (the names the modules chose at import)."""
    saved = [(module, name, getattr(module, name)) for module, name, _ in _SWAPS]
    try:
        for module, name, twin in _SWAPS:
            setattr(module, name, twin)
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)
