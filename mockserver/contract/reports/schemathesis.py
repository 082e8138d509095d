"""Schemathesis's own report writers for the run's ``--report`` formats, each writing where the report folder has
its file (the adapter's :class:`ReportWriters` feeds them the run's events)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mockserver.contract.reports.formats import SCHEMATHESIS, report_path
from mockserver.contract.schemathesis.report_writers import ReportWriters

__all__ = ["schemathesis_reports"]


def schemathesis_reports(formats: Sequence[str], directory: Path | None) -> ReportWriters:
    """The writers of those of ``formats`` Schemathesis writes, into ``directory`` (none without one)."""
    if directory is None:
        return ReportWriters({})
    return ReportWriters({name: report_path(directory, name) for name in formats if name in SCHEMATHESIS})
