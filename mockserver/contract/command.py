"""``mockserver fuzz``: run, print, write the files asked for, and say the exit code."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from mockserver.contract.console import print_result, progress
from mockserver.contract.junit import write_junit
from mockserver.contract.markdown import write_report
from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import RunResult
from mockserver.contract.runner import run

__all__ = ["fuzz"]


@contextmanager
def _sigint_deferred() -> Iterator[None]:
    """A second Ctrl-C while the reports are written does not leave them half-written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def fuzz(options: FuzzOptions, console: Console | None = None) -> tuple[int, RunResult]:
    """Run the contract test and report it; exit 0 clean, 1 violations, 2 unusable target, 3 not every check
    exercised (and no violation), 130 interrupted."""
    console = console or Console(highlight=False)
    with progress(console) as say:
        result = run(options, say)
    with _sigint_deferred():
        if options.junit is not None:
            write_junit(result, options.junit)
        if options.report is not None:
            write_report(result, options.report)
    if result.fatal is not None and not result.interrupted:
        print(f"mockserver fuzz: {result.fatal}", file=sys.stderr)
        return result.exit_code, result
    if result.checks:
        print_result(result, console)
    tally = f"{result.passed} passed, {result.failed} failed"
    if result.interrupted:
        written = [str(p) for p in (options.junit, options.report) if p is not None]
        console.print(
            f"{result.cut_short}: the verdicts cover only what ran"
            + (f"; reports written: {', '.join(written)}" if written else ""),
            soft_wrap=True,
            markup=False,
        )
        tally += ", interrupted"
    console.print(tally, soft_wrap=True, markup=False)
    return result.exit_code, result
