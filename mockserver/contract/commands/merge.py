"""``mockserver report merge``: read each shard's results, merge them, write the reports asked for, print the
verdict as ``mockserver fuzz`` does, and say its exit code."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from mockserver.contract.reports import results_json
from mockserver.contract.reports.formats import OURS, RESULTS_FILE
from mockserver.contract.reports.ours import write_own_reports
from mockserver.contract.reports.terminal import print_result, terminal
from mockserver.contract.results import EXIT_UNUSABLE, MergeError, RunResult, merge

__all__ = ["merge_reports"]


def _read(directories: tuple[Path, ...]) -> list[RunResult]:
    return [results_json.load(directory / RESULTS_FILE) for directory in directories]


def merge_reports(
    directories: tuple[Path, ...], out: Path, formats: tuple[str, ...], console: Console | None = None
) -> int:
    """Merge the shards' results found in ``directories`` into ``out``; the exit code of ``mockserver fuzz``."""
    console = console or terminal()
    theirs = [name for name in formats if name not in OURS]
    if theirs:
        print(
            f"mockserver report merge: {theirs[0]} is written by each shard (--report {theirs[0]} on mockserver fuzz); "
            f"a merge writes {' and '.join(OURS)}",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    try:
        result = merge(_read(directories))
    except (results_json.VerdictFileError, MergeError) as exc:
        print(f"mockserver report merge: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    write_own_reports(result, formats, out)
    if result.fatal is not None:
        print(f"mockserver report merge: {result.fatal}", file=sys.stderr)
        return result.exit_code
    print_result(result, console)
    console.print(
        f"{result.passed} passed, {result.failed} failed{', interrupted' if result.interrupted else ''}",
        soft_wrap=True,
        markup=False,
    )
    return result.exit_code
