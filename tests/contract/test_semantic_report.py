"""The semantic report (``--report semantic``) in headless Chromium: it makes no network request, draws its charts,
and marks a check that never fired.

One run (module scope): shard 1 of 8 against the mock with incoherent records (``events/records_coherent``) on
loopback; a shard of eight sends an eighth of the edge requests, so some checks never fire, and the incoherent
records give failures. The oracle for which checks never fired is the run's results.json read as plain JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
from playwright.sync_api import Browser

from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.contract.breakages import CATALOGUE
from tests.contract.broken import broken
from tests.support.browser import Opened, opened_offline
from tests.support.threaded import serving

MOCKSERVER = str(Path(sys.executable).parent / "mockserver")
TOKEN = jwt.encode(
    {"sub": "semantic-test", "scope": "calendar.event.read"}, "a key of this test, 32 bytes long", "HS256"
)


@dataclass(frozen=True)
class Report:
    path: Path
    results: dict[str, object]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    directory = tmp_path_factory.mktemp("semantic")
    app = broken(create_app(Settings(count=300)), CATALOGUE["events/records_coherent"].how, "/events")
    with serving(app) as base:
        done = subprocess.run(
            [MOCKSERVER, "fuzz", "--api", "events", "--target", base, "--max-examples", "5", "--shard", "1/8",
             "--token", TOKEN, "--report", "semantic,markdown,ndjson,json", "--report-dir", str(directory)],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:]
    return Report(directory / "semantic.html", json.loads((directory / "results.json").read_text(encoding="utf-8")))


def test_no_other_report_holds_the_token_either(report: Report) -> None:
    files = [p for p in report.path.parent.rglob("*") if p.is_file()]
    names = sorted(p.name for p in files if TOKEN in p.read_text(encoding="utf-8", errors="replace"))
    assert (len(files), names) == (5, [])  # semantic.html, report.md, events.ndjson, schemathesis.json, results.json


@pytest.fixture
def opened(browser: Browser, report: Report) -> Iterator[Opened]:
    with opened_offline(browser, report.path) as page:
        yield page


def test_the_report_makes_no_network_request(opened: Opened, report: Report) -> None:
    assert opened.requests == [report.path.as_uri()]


def test_the_report_draws_its_charts(opened: Opened, tmp_path: Path) -> None:
    charts = opened.page.locator("figure svg")
    sizes = [charts.nth(n).bounding_box() for n in range(charts.count())]
    opened.page.screenshot(path=str(tmp_path / "semantic.png"), full_page=True)
    assert len(sizes) >= 4 and all(box is not None and box["width"] > 200 and box["height"] > 80 for box in sizes)
    assert (tmp_path / "semantic.png").stat().st_size > 10_000


def test_a_check_that_never_fired_is_marked(opened: Opened, report: Report) -> None:
    checks = report.results["checks"]
    assert isinstance(checks, list)
    never = [c["name"] for c in checks if c["semantic"] and c["fired"] == 0]
    assert never, "shard 1/8 of this run leaves checks unfired"
    row = opened.page.locator(f'table.checks tr[data-check="{never[0]}"]')
    assert "never fired" in row.inner_text() and "never" in (row.get_attribute("class") or "")


def test_a_failure_shows_received_expected_and_its_curl(opened: Opened) -> None:
    failure = opened.page.locator("section.failure").first.inner_text()
    assert all(part in failure for part in ("Received:", "Expected:", "curl -X GET", "$MOCKSERVER_TOKEN"))
