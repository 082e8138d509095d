"""The report formats a run writes into ``--report-dir``: their names, as ``st run`` spells them, and their files."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "OURS",
    "RESULTS_FILE",
    "SCHEMATHESIS",
    "FormatError",
    "parse_formats",
    "report_path",
]

# Written by Schemathesis's own writers, fed the run's event stream (``allure`` needs its optional extra).
SCHEMATHESIS = ("html", "har", "vcr", "ndjson", "json", "pytest", "allure")
# Written by the contract tester, where Schemathesis has no such report or its own is per operation (JUnit).
OURS = ("junit", "markdown", "semantic")
RESULTS_FILE = "results.json"  # the run's verdict, machine-readable: what `mockserver report merge` reads

_FILES = {
    "junit": "junit.xml",
    "html": "html",  # a folder: html/index.html
    "har": "network.har",
    "vcr": "cassette.yaml",
    "ndjson": "events.ndjson",
    "json": "schemathesis.json",
    "pytest": "test_failures.py",
    "allure": "allure-results",
    "markdown": "report.md",
    "semantic": "semantic.html",
}


class FormatError(ValueError):
    """A ``--report`` value that names no format; the message is the one line to print."""


def parse_formats(text: str) -> tuple[str, ...]:
    """``junit,html`` -> ("junit", "html"); a value that looks like a file (a path, not format names) is refused
    with what to write instead."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    known = (*SCHEMATHESIS, *OURS)
    if not names:
        raise FormatError(f"no format named, e.g. junit,html (each one of {', '.join(known)})")
    if any("/" in name or "\\" in name or "." in name for name in names):
        raise FormatError(
            f"{text} looks like a file, but --report now takes format names: write --report markdown "
            f"--report-dir DIR (the Markdown report is then DIR/{_FILES['markdown']})"
        )
    unknown = [name for name in names if name not in known]
    if unknown:
        raise FormatError(f"{unknown[0]!r} is not a report format (one of {', '.join(known)})")
    return tuple(dict.fromkeys(names))


def report_path(directory: Path, name: str) -> Path:
    """Where format ``name`` is written in ``directory`` (a folder for ``html`` and ``allure``)."""
    return directory / _FILES[name]
