"""Ctrl-C interrupts a run even where Python drops its KeyboardInterrupt (``contract/interrupt.py``).

Python raises the KeyboardInterrupt of a SIGINT wherever the main thread is; inside a weakref callback (or a
``__del__``) it reports it as "Exception ignored" and drops it (CI lost one so, and the run went on to its end).
Each case drops one on purpose in a process of its own (``interrupt_probe.py``), where SIGINT reaches the thread
that runs it.
"""

from __future__ import annotations

import json
from typing import Any

from tests.support.fresh import run_module


def _probe(case: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run_module("tests.contract.interrupt_probe", case).strip().splitlines()[-1])
    return result


def test_a_ctrl_c_dropped_by_python_during_a_run_is_raised_again_at_the_next_check() -> None:
    assert _probe("check") == {"dropped": True, "raised": True}


def test_outside_a_run_sigint_keeps_its_handler_and_nothing_is_raised_again() -> None:
    assert _probe("outside") == {"restored": True, "dropped": True, "raised": False}


def test_ctrl_c_during_a_run_also_stops_the_engine_and_still_raises() -> None:
    assert _probe("stops") == {"called": 1, "raised": True}


def test_a_run_whose_ctrl_c_was_dropped_before_the_engine_started_ends_interrupted_there() -> None:
    """Where CI lost one: while the modules the workers execute are imported, after the edge requests. The run ends
    there, interrupted, having sent the edge requests alone (what a run of no Schemathesis phase sends)."""
    seen = _probe("run")
    assert (seen["dropped"], seen["interrupted"], seen["requests"]) == (True, True, seen["edge_requests"])
