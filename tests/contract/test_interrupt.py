"""Ctrl-C interrupts a run even where Python drops its KeyboardInterrupt (``contract/interrupt.py``).

Python raises the KeyboardInterrupt of a SIGINT wherever the main thread is; inside a weakref callback (or a
``__del__``) it prints "Exception ignored" and drops it. These tests drop one that way, deliberately: a SIGINT sent
to this process from inside a weakref callback that then runs a loop, so that Python's handler raises there.
"""

from __future__ import annotations

import os
import signal
import sys
import weakref
from typing import Any

import pytest

from mockserver.contract import interrupt
from mockserver.contract.options import FuzzOptions
from mockserver.contract.runner import run
from mockserver.server.app import create_app
from mockserver.server.settings import Settings


def _dropped_ctrl_c() -> bool:
    """Send SIGINT from inside a weakref callback; whether Python dropped its KeyboardInterrupt there (reported to
    ``sys.unraisablehook``, which the ``dropped`` fixture records, and discarded)."""

    class Thing:
        pass

    def callback(_ref: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # Python's handler runs here, at a backward jump: its exception dies with the callback
            pass

    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    return ref() is None and isinstance(_DROPPED[-1].exc_value, KeyboardInterrupt)


_DROPPED: list[Any] = []


@pytest.fixture(autouse=True)
def dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Python drops is recorded here instead of going to pytest (which would turn it into a failure)."""
    _DROPPED.clear()
    monkeypatch.setattr(sys, "unraisablehook", _DROPPED.append)


def test_a_ctrl_c_dropped_by_python_is_raised_again_at_the_next_check() -> None:
    with interrupt.interruptible():
        assert _dropped_ctrl_c()
        with pytest.raises(KeyboardInterrupt):
            interrupt.check()


def test_outside_a_run_sigint_keeps_its_handler_and_nothing_is_raised_again() -> None:
    before = signal.getsignal(signal.SIGINT)
    with interrupt.interruptible():
        pass
    assert signal.getsignal(signal.SIGINT) is before
    assert _dropped_ctrl_c()
    interrupt.check()  # the flag is the run's: nothing to raise


def _preload_dropping_ctrl_c() -> None:
    assert _dropped_ctrl_c()


def _options(**changed: object) -> FuzzOptions:
    app = create_app(Settings(count=200))
    return FuzzOptions(api="events", target="http://testserver", app=app, seed=1, **changed)  # type: ignore[arg-type]


def test_a_run_whose_ctrl_c_was_dropped_before_the_engine_started_ends_interrupted_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where CI lost one: while the modules the workers execute are imported, after the edge requests. The run ends
    there, interrupted, having sent the edge requests alone (what a run of no Schemathesis phase sends)."""
    edges_only = run(_options(phases=()))
    monkeypatch.setattr("mockserver.contract.schemathesis.driving.preload", _preload_dropping_ctrl_c)
    result = run(_options())
    assert (result.interrupted, result.requests) == (True, edges_only.requests)
