"""Ctrl-C that a run cannot lose.

Python turns SIGINT into a KeyboardInterrupt raised wherever the main thread happens to be. Raised inside a weakref
callback or a ``__del__`` (run by a garbage collection, an import that frees objects), it is printed as "Exception
ignored" and dropped: the run then went on to its end. It happened in CI: SIGINT landed in a weakref callback while a
run imported Hypothesis's modules before its workers started, and the run was still sending 60 s later.

While a run lasts (:func:`interruptible`), SIGINT also sets a flag and stops Schemathesis's engine (its workers
stop at their next case, :func:`on_interrupt`); the run checks the flag between its steps (:func:`check`, after each
edge request and engine event, before the engine starts) and raises the KeyboardInterrupt again from there, where
nothing can drop it. A SIGINT that Python delivered raises at once, as before.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["check", "interruptible", "on_interrupt"]

_asked = threading.Event()
_stops: list[Callable[[], None]] = []  # what SIGINT also calls while a run lasts
_active = [False]  # whether a run's handler is installed


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT sets the flag and then does what it did (Python's handler raises KeyboardInterrupt) until the block
    ends. Outside the main thread (where no handler can be set), or where SIGINT is ignored, nothing changes."""
    previous = signal.getsignal(signal.SIGINT) if threading.current_thread() is threading.main_thread() else None
    if not callable(previous):
        yield
        return
    chained = previous

    def asked(signum: int, frame: FrameType | None) -> None:
        _asked.set()
        for stop in tuple(_stops):
            stop()
        chained(signum, frame)

    _asked.clear()
    signal.signal(signal.SIGINT, asked)
    _active[0] = True
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _active[0] = False
        _asked.clear()
        _stops.clear()


def on_interrupt(stop: Callable[[], None]) -> None:
    """Call ``stop`` too on Ctrl-C until the run ends (an engine's stop: its workers see it between cases, even
    where the main thread's KeyboardInterrupt is dropped). Nothing where no run's handler is installed."""
    if _active[0]:
        _stops.append(stop)


def check() -> None:
    """KeyboardInterrupt if Ctrl-C was pressed during the run (its own KeyboardInterrupt may have been dropped)."""
    if _asked.is_set():
        raise KeyboardInterrupt
