"""``--workers N``: up to N requests in flight at once within the one operation, and the same requests whatever N.

Schemathesis's own workers run operations in parallel, and each API here has one. So the tester parallelises what
it sends within that operation, in three ways that leave the set of requests independent of N (only the order in
which they go out changes):

- **Known lists** (the edge requests; Schemathesis's examples and coverage phases, whose cases are all generated
  before the first is sent): up to N of the next requests are sent ahead, and each answer is judged in the list's
  order (:func:`in_order`, :class:`Lookahead`).
- **Generated cases** (Schemathesis's fuzzing phase, one Hypothesis run at a time per operation): the phase is always
  split into SLICES independent Hypothesis runs of the operation, each with its own seed derived from the run's seed
  and its slice number and an equal share of the examples; Schemathesis's worker pool runs up to N of them at once.
  Schemathesis's error feedback (which steers generation by earlier answers, in whatever order they arrived) is off
  for the same reason.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from schemathesis.engine.run.unit import _direct_executor
from schemathesis.generation import derive_operation_seed
from schemathesis.generation.meta import content_type_probes_first

__all__ = ["SLICES", "Lookahead", "in_order", "slice_examples", "slice_seed"]

SLICES = 8  # Hypothesis runs the fuzzing phase is split into, whatever --workers is
T = TypeVar("T")


def slice_examples(max_examples: int) -> int:
    """Each slice's share of ``max_examples`` (the slices together generate at least as many)."""
    return max(1, math.ceil(max_examples / SLICES))


def slice_seed(seed: int | None, label: str, index: int) -> int | None:
    """The seed of slice ``index``: Schemathesis's own for slice 0, a seed derived from the slice number else."""
    return derive_operation_seed(seed, label if index == 0 else f"{label}#slice-{index}")


def in_order(workers: int, calls: Sequence[Callable[[], T]]) -> Iterator[Callable[[], T]]:
    """Each call's outcome, in order (calling the thunk returns its result or raises its exception), with up to
    ``workers`` of them running at once; stopping the iteration leaves at most ``workers - 1`` calls to finish."""
    if workers <= 1:
        yield from calls
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="mockserver-fuzz") as pool:
        pending: deque[Future[T]] = deque()
        upcoming = iter(calls)
        try:
            for call in upcoming:
                pending.append(pool.submit(call))
                if len(pending) >= workers:
                    yield pending.popleft().result
            while pending:
                yield pending.popleft().result
        finally:
            for future in pending:
                future.cancel()


class Lookahead:
    """Sends the planned cases of a Schemathesis phase ahead of the engine, up to ``workers`` at once.

    :meth:`plan` is told each scenario's cases in the order the engine will send them; when the engine asks for
    one, :meth:`take` makes sure the next ``workers - 1`` are on their way too, and hands back its answer.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="mockserver-fuzz") if workers > 1 else None
        self._lock = threading.Lock()
        self._order: list[str] = []  # case ids, in the engine's order
        self._cases: dict[str, Any] = {}
        self._futures: dict[str, Future[Any]] = {}

    def plan(self, cases: Sequence[Any]) -> None:
        if self._pool is None:
            return
        with self._lock:
            self._order = [case.id for case in cases]
            self._cases = {case.id: case for case in cases}
            self._futures = {}

    def planned(self, case: Any) -> bool:
        with self._lock:
            return case.id in self._cases

    def take(self, case: Any, send: Callable[[Any], Any]) -> Any:
        """The answer to ``case`` (``send(case)`` here or ahead in a worker), sending the next planned ones ahead."""
        assert self._pool is not None
        with self._lock:
            position = self._order.index(case.id)
            for later in self._order[position : position + self.workers]:
                if later not in self._futures:
                    self._futures[later] = self._pool.submit(send, self._cases[later])
            future = self._futures.pop(case.id)
            del self._cases[case.id]
        return future.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


_ORIGINAL_COLLECT = _direct_executor._collect_within_budget


def _collect_planned(generator: Any, ctx: Any) -> list[Any]:
    """Schemathesis's own collection of a phase's cases, told to the run's lookahead in the engine's sending order
    (``run_driver`` sends them last first, Content-Type probes last); other engines' runs are untouched."""
    cases: list[Any] = _ORIGINAL_COLLECT(generator, ctx)
    lookahead = getattr(ctx, "lookahead", None)
    if isinstance(lookahead, Lookahead):
        lookahead.plan(list(reversed(content_type_probes_first(cases))))
    return cases


_direct_executor._collect_within_budget = _collect_planned
