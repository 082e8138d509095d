"""Run as ``python -m tests.contract.interrupt_probe CASE``: one case of ``test_interrupt.py`` in a process of its
own (SIGINT goes to a process's main thread; pytest-xdist may run a test elsewhere), printing what it saw as JSON.

A Ctrl-C is dropped on purpose: SIGINT sent to this process from inside a weakref callback that then runs a loop,
so that Python's handler raises there, and the KeyboardInterrupt is reported to ``sys.unraisablehook`` and discarded.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import weakref
from typing import Any

DROPPED: list[Any] = []
sys.unraisablehook = DROPPED.append
# Ctrl-C as a terminal delivers it: a process started in the background by a shell without job control (a CI
# script's `cmd &`) inherits SIGINT ignored, and Python then leaves it so.
signal.signal(signal.SIGINT, signal.default_int_handler)

from mockserver.contract import interrupt  # noqa: E402  (imported once the hook and the handler are set)


def handler_runs() -> None:
    """A loop: Python runs a pending signal's handler at a backward jump, so here."""
    for _ in range(1000):
        pass


def dropped_ctrl_c() -> bool:
    """Send SIGINT from inside a weakref callback; whether Python dropped its KeyboardInterrupt there."""

    class Thing:
        pass

    def callback(_ref: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        handler_runs()  # inside the callback: its exception dies with it

    before = len(DROPPED)
    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    return ref() is None and len(DROPPED) > before and isinstance(DROPPED[-1].exc_value, KeyboardInterrupt)


def raises_interrupt() -> bool:
    try:
        interrupt.check()
    except KeyboardInterrupt:
        return True
    return False


def main(case: str) -> dict[str, Any]:
    if case == "check":  # a dropped Ctrl-C during a run is raised again by the next check
        with interrupt.interruptible():
            return {"dropped": dropped_ctrl_c(), "raised": raises_interrupt()}
    if case == "outside":  # outside a run: the handler given back, nothing raised again
        before = signal.getsignal(signal.SIGINT)
        with interrupt.interruptible():
            pass
        return {
            "restored": signal.getsignal(signal.SIGINT) is before,
            "dropped": dropped_ctrl_c(),
            "raised": raises_interrupt(),
        }
    if case == "stops":  # SIGINT during a run calls what was registered, and still raises
        called: list[int] = []
        with interrupt.interruptible():
            interrupt.on_interrupt(lambda: called.append(1))
            try:
                os.kill(os.getpid(), signal.SIGINT)
                handler_runs()
                raised = False
            except KeyboardInterrupt:
                raised = True
        return {"called": len(called), "raised": raised}
    # "run": a whole run (the mock in-process) whose Ctrl-C is dropped after the edge requests, before the engine
    from mockserver.contract.options import FuzzOptions  # noqa: PLC0415
    from mockserver.contract.runner import run  # noqa: PLC0415
    from mockserver.contract.schemathesis import driving  # noqa: PLC0415
    from mockserver.server.app import create_app  # noqa: PLC0415
    from mockserver.server.settings import Settings  # noqa: PLC0415

    def options(**changed: Any) -> FuzzOptions:
        app = create_app(Settings(count=200))
        return FuzzOptions(api="events", target="http://testserver", app=app, seed=1, **changed)

    edges_only = run(options(phases=()))
    seen: list[bool] = []
    driving.preload = lambda: seen.append(dropped_ctrl_c())  # type: ignore[attr-defined,assignment]
    result = run(options())
    return {
        "dropped": seen == [True],
        "interrupted": result.interrupted,
        "requests": result.requests,
        "edge_requests": edges_only.requests,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
