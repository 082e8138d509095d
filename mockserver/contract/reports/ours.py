"""The reports of our own: JUnit (one case per check), Markdown, the semantic report, and the results file merge
reads."""

from __future__ import annotations

from pathlib import Path

from mockserver.contract.reports import results_json
from mockserver.contract.reports.formats import RESULTS_FILE, report_path
from mockserver.contract.reports.junit import write_junit
from mockserver.contract.reports.markdown import write_report
from mockserver.contract.reports.semantic import write_semantic
from mockserver.contract.results import RunResult

__all__ = ["write_own_reports"]


def write_own_reports(
    result: RunResult, formats: tuple[str, ...], directory: Path | None, junit: Path | None = None
) -> list[Path]:
    """Write ``results.json`` (always, when there is a report folder), the formats of ours asked for, and the JUnit
    report at ``junit`` (``--junit FILE``) when given."""
    written = []
    if junit is not None:
        written.append(junit)
        write_junit(result, junit)
    if directory is None:
        return written
    written.append(directory / RESULTS_FILE)
    results_json.dump(result, written[-1])
    if "junit" in formats:
        written.append(report_path(directory, "junit"))
        write_junit(result, written[-1])
    if "markdown" in formats:
        written.append(report_path(directory, "markdown"))
        write_report(result, written[-1])
    if "semantic" in formats:
        written.append(report_path(directory, "semantic"))
        write_semantic(result, written[-1])
    return written
