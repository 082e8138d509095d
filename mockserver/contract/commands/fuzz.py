"""``mockserver fuzz``: run, print, write the reports asked for, and say the exit code."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from mockserver.contract.options import FuzzOptions
from mockserver.contract.reports.ours import write_own_reports
from mockserver.contract.reports.schemathesis import schemathesis_reports
from mockserver.contract.reports.terminal import print_result, progress, terminal
from mockserver.contract.results import EXIT_CLEAN, EXIT_NOT_EXERCISED, EXIT_UNUSABLE, RunResult
from mockserver.contract.runner import Progress, run
from mockserver.contract.schemathesis.report_writers import ReportError

__all__ = ["fuzz", "run_reported"]


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


def run_reported(options: FuzzOptions, say: Progress | None = None) -> tuple[RunResult, list[Path]]:
    """Run with every report ``options`` asks for (written even when the run fails); the result and the files.

    Raises ReportError when a report cannot be written (the run has not started then).
    """
    if options.reports and options.report_dir is None:
        raise ReportError(f"--report {','.join(options.reports)} needs a folder to write into (--report-dir)")
    if options.junit is not None:
        try:
            options.junit.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReportError(f"cannot create the folder of {options.junit}: {exc.strerror or exc}") from None
    reports = schemathesis_reports(options.reports, options.report_dir)
    result = run(options, say, listener=reports)
    with _sigint_deferred():
        reports.close(result)
        written = [
            *reports.paths.values(),
            *write_own_reports(result, options.reports, options.report_dir, options.junit),
        ]
    return result, written


def fuzz(options: FuzzOptions, console: Console | None = None) -> tuple[int, RunResult]:
    """Run the contract test and report it; exit 0 clean, 1 violations, 2 unusable target, 3 not every check
    exercised (and no violation; a shard leaves that to the merge), 130 interrupted."""
    console = console or terminal()
    try:
        with progress(console) as say:
            result, written = run_reported(options, say)
    except ReportError as exc:
        print(f"mockserver fuzz: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE, RunResult(api=options.api, target=options.target, seed=options.seed, fatal=str(exc))
    code = result.exit_code
    if code == EXIT_NOT_EXERCISED and options.shard[1] > 1:
        code = EXIT_CLEAN  # what one shard did not exercise, another may have: `mockserver report merge` judges
    if result.fatal is not None and not result.interrupted:
        print(f"mockserver fuzz: {result.fatal}", file=sys.stderr)
        return code, result
    if result.checks:
        print_result(result, console)
    tally = f"{result.passed} passed, {result.failed} failed"
    if result.interrupted:
        console.print(
            f"{result.cut_short}: the verdicts cover only what ran"
            + (f"; reports written: {', '.join(map(str, written))}" if written else ""),
            soft_wrap=True,
            markup=False,
        )
        tally += ", interrupted"
    console.print(tally, soft_wrap=True, markup=False)
    return code, result
