"""``mockserver fuzz``: run, print, write the files asked for, and say the exit code."""

from __future__ import annotations

import sys

from rich.console import Console

from mockserver.contract.console import print_result, progress
from mockserver.contract.junit import write_junit
from mockserver.contract.markdown import write_report
from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import RunResult
from mockserver.contract.runner import run

__all__ = ["fuzz"]


def fuzz(options: FuzzOptions, console: Console | None = None) -> tuple[int, RunResult]:
    """Run the contract test and report it; the exit code is 0 clean, 1 violations, 2 unusable target."""
    console = console or Console(highlight=False)
    with progress(console) as say:
        result = run(options, say)
    if options.junit is not None:
        write_junit(result, options.junit)
    if options.report is not None:
        write_report(result, options.report)
    if result.fatal is not None:
        print(f"mockserver fuzz: {result.fatal}", file=sys.stderr)
        return result.exit_code, result
    print_result(result, console)
    console.print(f"{result.passed} passed, {result.failed} failed", soft_wrap=True, markup=False)
    return result.exit_code, result
