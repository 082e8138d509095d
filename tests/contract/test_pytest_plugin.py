"""The pytest plugin's contract mode (``pytest --api events``), in a pytest session of its own that tests the mock
in-process: it writes the same reports as ``mockserver fuzz`` (``--contract-report FORMATS --contract-report-dir
DIR``), names a class for each check in pytest's own JUnit, collects none of the project's tests, and passes in a
project with ``filterwarnings = error``.

One session (module scope) in a fresh directory holding a failing test file of its own and that pytest.ini; each
test reads what it printed and wrote.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

PYTEST = str(Path(sys.executable).parent / "pytest")
STRICT = "[pytest]\nfilterwarnings =\n    error\n"


Session = tuple[Path, subprocess.CompletedProcess[str]]


def _pytest(directory: Path, *args: str, ini: str = "[pytest]\n") -> subprocess.CompletedProcess[str]:
    (directory / "pytest.ini").write_text(ini, encoding="utf-8")
    return subprocess.run(
        [PYTEST, "-q", "-p", "no:cacheprovider", "--api", "events", "--contract-max-examples", "3", *args],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    directory = tmp_path_factory.mktemp("plugin")
    (directory / "test_own.py").write_text("def test_own():\n    raise AssertionError('collected')\n", encoding="utf-8")
    args = ("--contract-report", "junit,semantic", "--contract-report-dir", "out", "--junitxml", "pytest-junit.xml")
    return directory, _pytest(directory, *args, ini=STRICT)


def test_the_session_passes_under_filterwarnings_error(session: Session) -> None:
    _, done = session
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "INTERNALERROR" not in done.stdout + done.stderr


def test_the_plugin_writes_the_reports_asked_for(session: Session) -> None:
    directory, _ = session
    suite = ET.parse(directory / "out" / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.find("testcase[@name='ids_unique']") is not None
    assert "<svg" in (directory / "out" / "semantic.html").read_text(encoding="utf-8")


def test_pytest_s_own_junit_names_a_class_for_each_check(
    session: Session,
) -> None:
    directory, _ = session
    cases = list(ET.parse(directory / "pytest-junit.xml").getroot().iter("testcase"))
    assert cases and {case.get("classname") for case in cases} == {"contract.events"}


def test_none_of_the_project_s_tests_is_collected(session: Session) -> None:
    directory, done = session
    names = {case.get("name") for case in ET.parse(directory / "pytest-junit.xml").getroot().iter("testcase")}
    assert "test_own" not in names and "collected" not in done.stdout


def test_an_unknown_report_format_is_a_usage_error(tmp_path: Path) -> None:
    done = _pytest(tmp_path, "--contract-report", "junit,nope")
    assert done.returncode == 4 and "'nope' is not a report format" in done.stderr, done.stderr[-2000:]
