"""The pytest plugin writes the same reports as ``mockserver fuzz``: ``--contract-report FORMATS
--contract-report-dir DIR``, in a pytest session of its own that tests the mock in-process."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

PYTEST = str(Path(sys.executable).parent / "pytest")


def _pytest(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (directory / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return subprocess.run(
        [PYTEST, "-q", "-p", "no:cacheprovider", "--api", "events", "--contract-max-examples", "3", *args],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_plugin_writes_the_reports_asked_for(tmp_path: Path) -> None:
    done = _pytest(tmp_path, "--contract-report", "junit,semantic", "--contract-report-dir", "out")
    assert done.returncode == 0, done.stdout[-2000:]
    suite = ET.parse(tmp_path / "out" / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.find("testcase[@name='GET /events']") is not None
    assert "<svg" in (tmp_path / "out" / "semantic.html").read_text(encoding="utf-8")


def test_an_unknown_report_format_is_a_usage_error(tmp_path: Path) -> None:
    done = _pytest(tmp_path, "--contract-report", "junit,nope")
    assert done.returncode == 4 and "'nope' is not a report format" in done.stderr, done.stderr[-2000:]
