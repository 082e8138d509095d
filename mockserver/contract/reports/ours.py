"""The reports Schemathesis has no writer for: Markdown, the semantic report, and the results file merge reads."""

from __future__ import annotations

from pathlib import Path

from mockserver.contract.reports import results_json
from mockserver.contract.reports.formats import RESULTS_FILE, report_path
from mockserver.contract.reports.markdown import write_report
from mockserver.contract.reports.semantic import write_semantic
from mockserver.contract.results import RunResult

__all__ = ["write_own_reports"]


def write_own_reports(result: RunResult, formats: tuple[str, ...], directory: Path | None) -> list[Path]:
    """Write ``results.json`` (always, when there is a report folder) and the formats of ours asked for."""
    if directory is None:
        return []
    written = [directory / RESULTS_FILE]
    results_json.dump(result, written[0])
    if "markdown" in formats:
        written.append(report_path(directory, "markdown"))
        write_report(result, written[-1])
    if "semantic" in formats:
        written.append(report_path(directory, "semantic"))
        write_semantic(result, written[-1])
    return written
