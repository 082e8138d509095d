"""Hypothesis's local constants kept out of a run's generation: the same seed sends the same requests.

Hypothesis (since 6.131) draws a share of its values from the literals of every module in ``sys.modules`` that
is not installed (``providers._get_local_constants``): this package's own modules in an editable install, a user's
conftest and hooks, whatever happens to be imported when a case is drawn (lazily, in another thread). The requests
of a seed would depend on what the process imported, and when. While a run generates, that pool is empty:
Hypothesis draws from its own constants alone, as it does where no local module is imported.

Hypothesis keeps the pool process-wide and offers no setting for it, so it is swapped for as long as a run of this
process generates and given back when the last one ends. Hypothesis caches, per thread, the constants a draw may take
from both pools; the run's cases are drawn in threads Schemathesis starts for each phase (empty caches), and the
cache of the thread that runs the block is cleared at both ends, so that no draw of this thread mixes the two pools.
A user's own Hypothesis tests running in other threads at the same time draw without their local constants
meanwhile; run before or after, they are untouched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from hypothesis.internal import constants_ast
from hypothesis.internal.conjecture import providers

__all__ = ["without_local_constants"]

_lock = threading.Lock()
_runs = 0  # runs of this process generating now
_pool: Callable[[], constants_ast.Constants] | None = None  # Hypothesis's own, while swapped


def _no_local_constants() -> constants_ast.Constants:
    return constants_ast.Constants()


@contextmanager
def without_local_constants() -> Iterator[None]:
    """Hypothesis draws no local module's literal until the block ends (nested and concurrent blocks share one
    swap). A Hypothesis without local constants (before 6.131) is left alone."""
    global _runs, _pool  # noqa: PLW0603  (the one swap of the process, counted)
    if not hasattr(providers, "_get_local_constants"):
        yield
        return
    with _lock:
        if _runs == 0:
            _pool = providers._get_local_constants
            providers._get_local_constants = _no_local_constants
            providers.CONSTANTS_CACHE.cache.clear()
        _runs += 1
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0:
                assert _pool is not None
                providers._get_local_constants = _pool
                _pool = None
                providers.CONSTANTS_CACHE.cache.clear()
