"""Work run at once in forked child processes (the shared memory's tests: what several processes write together)."""

from __future__ import annotations

import os
from collections.abc import Callable

__all__ = ["in_children"]


def in_children(count: int, work: Callable[[int], None]) -> None:
    """Fork ``count`` children, child ``n`` running ``work(n)``, and wait for them all; each must exit 0."""
    children = []
    for n in range(count):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                work(n)
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    assert [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children] == [0] * count
