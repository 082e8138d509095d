"""``mockserver fuzz --report FORMATS --report-dir DIR`` against a broken server on loopback: Schemathesis's own
writers, with the contract's checks in them, our JUnit report (one case per check), and no credential in any file.

One run (module scope) of the command against the mock with the page cap ignored (``events/cap-ignored``, which
``page_size_respected`` must catch); each test reads what that run wrote. The oracles are the files as plain XML,
JSON and text, and the token the test minted itself.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
from playwright.sync_api import Browser

from mockserver.contract.schemathesis.report_writers import COMMAND_LOOKUPS
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.contract.breakages import CATALOGUE
from tests.contract.broken import broken
from tests.support.browser import opened_offline
from tests.support.shell import paste
from tests.support.threaded import serving

MOCKSERVER = str(Path(sys.executable).parent / "mockserver")
BROKEN = "events/cap-ignored"
CHECK = "page_size_respected"
FIVE = {  # what --report junit,html,har,vcr,pytest writes, by format
    "junit": "junit.xml",
    "html": "html/index.html",
    "har": "network.har",
    "vcr": "cassette.yaml",
    "pytest": "test_failures.py",
}
TOKEN = jwt.encode({"sub": "report-test", "scope": "calendar.event.read"}, "a key of this test, 32 bytes long", "HS256")


@dataclass(frozen=True)
class Ran:
    directory: Path
    done: subprocess.CompletedProcess[str]


def fuzz(target: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MOCKSERVER, "fuzz", "--api", "events", "--target", target, "--max-examples", "5", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    directory = tmp_path_factory.mktemp("reports")
    app = broken(create_app(Settings(count=300)), CATALOGUE[BROKEN].how, "/events")
    with serving(app) as base:
        done = fuzz(
            base,
            "--token",
            TOKEN,
            "--report",
            "junit,html,har,vcr,pytest",
            "--report-dir",
            str(directory),
            "--junit",
            str(directory / "ci" / "junit.xml"),
            "--baseline",
            str(directory / "baseline.json"),
        )
    return Ran(directory, done)


def _junit_failures(ran: Ran) -> str:
    root = ET.parse(ran.directory / FIVE["junit"]).getroot()
    return "\n".join(f.text or "" for f in root.iter("failure"))


def test_the_broken_server_fails_the_run(ran: Ran) -> None:
    assert ran.done.returncode == 1, ran.done.stdout[-3000:]


def test_all_five_reports_are_written(ran: Ran) -> None:
    assert {name: (ran.directory / path).is_file() for name, path in FIVE.items()} == dict.fromkeys(FIVE, True)


def test_the_junit_report_names_the_failed_semantic_check(ran: Ran) -> None:
    assert CHECK in _junit_failures(ran)


def test_the_html_report_names_the_failed_semantic_check(ran: Ran) -> None:
    assert CHECK in (ran.directory / FIVE["html"]).read_text(encoding="utf-8")


def test_the_html_report_lists_the_checks_the_console_counts(ran: Ran) -> None:
    page = (ran.directory / FIVE["html"]).read_text(encoding="utf-8")
    listed = page.split('<span class="tk">Checks</span>', 1)[1].split("</details>", 1)[0]
    checks = json.loads((ran.directory / "results.json").read_text(encoding="utf-8"))["checks"]
    assert sorted(re.findall(r"<code>([^<]+)</code>", listed)) == sorted(c["name"] for c in checks)


def test_the_html_report_opens_offline_in_chromium(browser: Browser, ran: Ran, tmp_path: Path) -> None:
    path = ran.directory / FIVE["html"]
    with opened_offline(browser, path) as opened:
        opened.page.screenshot(path=str(tmp_path / "html.png"))
        assert (opened.requests, CHECK in opened.page.inner_text("body")) == ([path.as_uri()], True)


def test_the_har_holds_the_failing_exchange(ran: Ran) -> None:
    failing = set(re.findall(r"'(http://127\.0\.0\.1:[0-9]+/events\?[^']*)'", _junit_failures(ran)))
    har = json.loads((ran.directory / FIVE["har"]).read_text(encoding="utf-8"))
    exchanged = {entry["request"]["url"] for entry in har["log"]["entries"]}
    assert failing and failing <= exchanged, sorted(failing - exchanged)[:3]


def test_a_failing_exchange_in_the_har_breaks_the_cap(ran: Ran) -> None:
    har = json.loads((ran.directory / FIVE["har"]).read_text(encoding="utf-8"))
    sizes = [
        len(json.loads(entry["response"]["content"]["text"])["events"])
        for entry in har["log"]["entries"]
        if entry["response"]["status"] == 200 and entry["response"]["content"].get("text", "").startswith("{")
    ]
    assert max(sizes) > 100  # the spec's documented cap on limit, written down here


def test_no_file_holds_the_token(ran: Ran) -> None:
    files = [p for p in ran.directory.rglob("*") if p.is_file()]
    holding = [
        str(p.relative_to(ran.directory)) for p in files if TOKEN in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert (len(files) >= len(FIVE), holding) == (True, [])


def test_no_file_holds_this_machine_s_paths(ran: Ran) -> None:
    here = str(Path(__file__).resolve().parents[2])  # the checkout the run was made in
    files = [p for p in ran.directory.rglob("*") if p.is_file()]
    holding = [
        str(p.relative_to(ran.directory)) for p in files if here in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert holding == []
    assert (ran.directory / FIVE["pytest"]).read_text(encoding="utf-8").splitlines()[0].endswith(" spec/events.yaml")


def test_the_reports_name_the_command_that_ran(ran: Ran) -> None:
    files = [p for p in ran.directory.rglob("*") if p.is_file()]
    assert [p.name for p in files if "<unknown entrypoint>" in p.read_text(encoding="utf-8", errors="replace")] == []
    cassette = (ran.directory / FIVE["vcr"]).read_text(encoding="utf-8")
    assert "command: 'mockserver fuzz --api events --target http://127.0.0.1:" in cassette
    assert "--token [Filtered]" in cassette


def test_the_internals_the_command_s_name_relies_on_exist() -> None:
    # Schemathesis's own lookup of the command that ran: if an upgrade moves it, this names where it was.
    for name in COMMAND_LOOKUPS:
        assert callable(getattr(importlib.import_module(name), "get_command_representation", None)), name


def test_the_har_filters_the_authorization_header(ran: Ran) -> None:
    har = json.loads((ran.directory / FIVE["har"]).read_text(encoding="utf-8"))
    values = {
        h["value"]
        for e in har["log"]["entries"]
        for h in e["request"]["headers"]
        if h["name"].lower() == "authorization"
    }
    assert "[Filtered]" in values


def test_the_terminal_curl_keeps_the_token_as_a_variable(ran: Ran, tmp_path: Path) -> None:
    assert "'Authorization: Bearer '\"$MOCKSERVER_TOKEN\"" in ran.done.stdout
    assert TOKEN not in ran.done.stdout
    line = next(line for line in ran.done.stdout.splitlines() if line.startswith("curl "))
    pasted = paste(line, tmp_path, {"MOCKSERVER_TOKEN": TOKEN})  # as printed, the variable exported
    assert pasted.argv is not None, pasted.stderr
    assert f"Authorization: Bearer {TOKEN}" in pasted.argv
    assert pasted.argv[-1].startswith("http://127.0.0.1:")


def test_each_failure_is_titled_once_with_its_rule(ran: Ran) -> None:
    titles = [line for line in ran.done.stdout.splitlines() if re.match(rf"[0-9]+\. {CHECK}", line)]
    assert titles and all(line.count(CHECK) == 1 and len(line) > len(f"1. {CHECK}: ") + 20 for line in titles)


def test_the_console_groups_failures_by_check_before_the_summary(ran: Ran) -> None:
    failures = json.loads((ran.directory / "results.json").read_text(encoding="utf-8"))["failures"]
    total = sum(f["check"] == CHECK for f in failures)
    lines = ran.done.stdout.splitlines()
    titles = [n for n, line in enumerate(lines) if re.match(rf"[0-9]+\. {CHECK}", line)]
    table = next(n for n, line in enumerate(lines) if "responses" in line)
    assert len(titles) == min(total, 3) and max(titles) < table
    assert f"{CHECK}: {total} failures" in ran.done.stdout
    assert (f"and {total - 3} more of {CHECK}" in ran.done.stdout) == (total > 3)


def test_a_pipe_gets_full_column_names(ran: Ran) -> None:
    header = next(line for line in ran.done.stdout.splitlines() if "responses" in line)
    assert all(name in header for name in ("check", "kind", "responses", "fired", "failures", "verdict"))


def test_an_old_report_path_gets_one_line_saying_what_to_write(tmp_path: Path) -> None:
    done = fuzz("http://127.0.0.1:9", "--report", str(tmp_path / "report.md"))
    lines = done.stderr.strip().splitlines()
    assert (done.returncode, len(lines), done.stdout) == (2, 1, "")
    assert "--report markdown --report-dir DIR" in lines[0] and "Traceback" not in done.stderr


def test_the_junit_report_has_one_case_per_check_with_its_classname(ran: Ran) -> None:
    checks = json.loads((ran.directory / "results.json").read_text(encoding="utf-8"))["checks"]
    cases = list(ET.parse(ran.directory / FIVE["junit"]).getroot().iter("testcase"))
    assert [case.get("name") for case in cases] == [check["name"] for check in checks]
    assert {case.get("classname") for case in cases} == {"mockserver.contract.events"}
    failing = [case.get("name") for case in cases if case.find("failure") is not None]
    assert failing == [check["name"] for check in checks if check["failures"]]
    assert CHECK in failing


def test_the_junit_file_is_the_same_report(ran: Ran) -> None:
    written = (ran.directory / "ci" / "junit.xml").read_text(encoding="utf-8")
    assert written == (ran.directory / FIVE["junit"]).read_text(encoding="utf-8")


def test_a_baseline_that_does_not_exist_is_written_from_the_run(ran: Ran) -> None:
    entries = json.loads((ran.directory / "baseline.json").read_text(encoding="utf-8"))["entries"]
    assert {"operation": "GET /events", "check": CHECK} in [
        {"operation": e["operation"], "check": e["check"]} for e in entries
    ]


def test_the_baseline_accepts_its_known_failures(ran: Ran) -> None:
    app = broken(create_app(Settings(count=300)), CATALOGUE[BROKEN].how, "/events")
    with serving(app) as base:
        done = fuzz(base, "--token", TOKEN, "--baseline", str(ran.directory / "baseline.json"))
    assert done.returncode in (0, 3), done.stdout[-3000:]
    assert done.stdout.strip().splitlines()[-1].endswith(" 0 failed")


def test_a_bad_baseline_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "baseline.json").write_text('{"format_version": 99}', encoding="utf-8")
    with serving(create_app(Settings(count=10))) as base:
        done = fuzz(base, "--baseline", str(tmp_path / "baseline.json"))
    lines = done.stderr.strip().splitlines()
    assert (done.returncode, len(lines), "Traceback" in done.stderr) == (2, 1, False)
    assert "baseline.json" in lines[0] and "format version 99" in lines[0]


@pytest.mark.skipif(importlib.util.find_spec("allure_commons") is not None, reason="the allure extra is installed")
def test_allure_without_its_extra_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with serving(create_app(Settings(count=10))) as base:
        done = fuzz(base, "--report", "allure", "--report-dir", str(tmp_path))
    lines = done.stderr.strip().splitlines()
    assert (done.returncode, len(lines)) == (2, 1)
    assert "pip install 'schemathesis[allure]==4.32.5'" in lines[0]


def test_reveal_credentials_writes_the_real_token(tmp_path: Path) -> None:
    with serving(create_app(Settings(count=10))) as base:
        done = fuzz(base, "--token", TOKEN, "--reveal-credentials", "--report", "har", "--report-dir", str(tmp_path))
    assert done.returncode in (0, 3), done.stdout[-2000:]
    assert TOKEN in (tmp_path / FIVE["har"]).read_text(encoding="utf-8")
