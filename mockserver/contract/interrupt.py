"""Ctrl-C that a run cannot lose.

Python turns SIGINT into a KeyboardInterrupt raised wherever the main thread happens to be. Raised inside a weakref
callback or a ``__del__`` (run by a garbage collection, an import that frees objects), it is printed as "Exception
ignored" and dropped: the run then went on to its end. It happened in CI: SIGINT landed in a weakref callback while a
run imported Hypothesis's modules before its workers started, and the run was still sending 60 s later.

While a run lasts (:func:`interruptible`), SIGINT also sets a flag; the run checks it between its steps
(:func:`check`, after each edge request and engine event, before the engine starts) and raises the KeyboardInterrupt
again from there, where nothing can drop it. A SIGINT that Python delivered raises at once, as before.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["check", "interruptible"]

_asked = threading.Event()


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
        chained(signum, frame)

    _asked.clear()
    signal.signal(signal.SIGINT, asked)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _asked.clear()


def check() -> None:
    """KeyboardInterrupt if Ctrl-C was pressed during the run (its own KeyboardInterrupt may have been dropped)."""
    if _asked.is_set():
        raise KeyboardInterrupt
