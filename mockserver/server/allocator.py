"""The C allocator's part in the server's memory (glibc only; elsewhere these do nothing).

Building a million records makes many temporary arrays of a few megabytes. glibc serves large blocks with mmap and
returns them when freed, but it raises that threshold each time such a block is freed, after which the next
temporaries come from the heap and stay in the process's RSS when freed (more so under load, where every
response's buffer is freed; what that holds: ``bench/RESULTS.md``). Fixing the threshold keeps large blocks mapped;
trimming after the build returns what the heap still holds.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

__all__ = ["keep_large_blocks_mapped", "release_freed_memory"]

_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
_THRESHOLD = 128 * 1024  # glibc's default, kept from now on


def _libc_function(name: str) -> Callable[..., Any] | None:
    found: Callable[..., Any] | None = getattr(ctypes.CDLL(None), name, None)  # the process's own symbols: glibc's
    return found


def keep_large_blocks_mapped() -> None:
    """Blocks of 128 KiB and more are mapped and given back when freed, whatever was freed before."""
    mallopt = _libc_function("mallopt")
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, _THRESHOLD)


def release_freed_memory() -> None:
    """Give the heap's freed pages back to the system."""
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)
