"""The semantic report (``--report semantic``) in headless Chromium: it makes no network request, draws its chart,
marks a check that never fired, lists every rule with its figures and its prose rendered, groups the failures by
check, and a clean default run's page fits 3,000 px at 1,280 px wide and 200 KB.

One run (module scope): shard 1 of 8 against the mock with incoherent records (``events/records_coherent``) on
loopback; a shard of eight sends an eighth of the edge requests, so some checks never fire, and the incoherent
records give failures. The oracle for which checks never fired is the run's results.json read as plain JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
from playwright.sync_api import Browser

from mockserver.contract.target.facets import FACETS
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.contract.breakages import CATALOGUE
from tests.contract.broken import broken
from tests.support.browser import Opened, opened_offline
from tests.support.threaded import serving

RULES = Path(__file__).parents[2] / "mockserver" / "contract" / "reports" / "rules.json"
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


def test_the_report_draws_its_chart(opened: Opened, tmp_path: Path) -> None:
    chart = opened.page.locator("figure svg").first.bounding_box()
    opened.page.screenshot(path=str(tmp_path / "semantic.png"), full_page=True)
    assert chart is not None and chart["width"] > 200 and chart["height"] > 80


def test_a_default_run_s_page_fits_3000_px_at_1280_and_200_kb(browser: Browser, tmp_path: Path) -> None:
    # interventions: the API with the most rules in the register, so the tallest page of a clean default run
    with serving(create_app(Settings())) as base:
        done = subprocess.run(
            [MOCKSERVER, "fuzz", "--api", "interventions", "--target", base + "/main", "--token", TOKEN,
             "--report", "semantic", "--report-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    path = tmp_path / "semantic.html"
    with opened_offline(browser, path) as opened:
        opened.page.set_viewport_size({"width": 1280, "height": 800})
        assert opened.page.evaluate("() => document.documentElement.scrollHeight") < 3000
        assert opened.page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    assert path.stat().st_size < 200_000


def test_every_rule_is_listed_with_its_figures(opened: Opened, report: Report) -> None:
    register = json.loads(RULES.read_text(encoding="utf-8"))["rules"]
    rules = [r for r in register if r["api"] == "events"]
    reached = report.results["reached"]
    assert isinstance(reached, dict)
    for rule in rules:
        row = opened.page.locator(f'table.rules tr[data-rule="{rule["id"]}"]')
        values: dict[str, set[str]] = {facet: set() for facet in FACETS}
        for check in rule["checks"]:
            for facet, value, _ in reached.get(check, []):
                values[facet].add(value)
        shown = [cell.strip() for cell in row.locator("td.heat").all_inner_texts()]
        assert shown == [str(len(values[f]) or "") for f in FACETS], rule["id"]


def test_the_spec_s_prose_is_rendered_not_shown_as_markdown(opened: Opened) -> None:
    words = opened.page.locator("table.rules td.words")
    texts = words.all_inner_texts()
    assert texts and not [t for t in texts if "**" in t or "`" in t]
    assert words.locator("code").count() > 0 and words.locator("strong").count() > 0


def test_a_check_that_never_fired_is_marked(opened: Opened, report: Report) -> None:
    checks = report.results["checks"]
    assert isinstance(checks, list)
    never = [c["name"] for c in checks if c["semantic"] and c["fired"] == 0]
    assert never, "shard 1/8 of this run leaves checks unfired"
    row = opened.page.locator(f'table.checks tr[data-check="{never[0]}"]')
    assert "never fired" in row.inner_text() and "never" in (row.get_attribute("class") or "")


def test_failures_are_grouped_by_check_three_examples_each(opened: Opened, report: Report) -> None:
    failures = report.results["failures"]
    assert isinstance(failures, list)
    per_check = Counter(f["check"] for f in failures)
    for check, total in per_check.items():
        group = opened.page.locator(f'section.failure-group[data-check="{check}"]')
        assert group.locator("section.failure").count() == min(total, 3)
        assert (f"{total - 3} more" in group.inner_text()) == (total > 3)


def test_a_failure_shows_received_expected_and_its_curl(opened: Opened) -> None:
    failure = opened.page.locator("section.failure").first.inner_text()
    assert all(part in failure for part in ("Received:", "Expected:", "curl -X GET", "$MOCKSERVER_TOKEN"))
