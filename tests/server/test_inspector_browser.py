"""The inspector page in headless Chromium: requests appear live, explain themselves, and a scenario set there works.

A real ``mockserver serve`` on loopback; API requests are sent from the page's own context (``fetch``), as an app
under development would send them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import TIMEOUT_MS
from tests.support.servers import ServerProcess, start_server
from tests.support.tokens import TOKEN

QUERY = "from=2024-06-01T00:00:00Z&to=2025-06-01T00:00:00Z&limit=4"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("inspector-server"), "--count", "200")
    yield process
    process.stop()


@pytest.fixture
def page(browser: Browser, server: ServerProcess) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server.base}/__mock/")
    yield page
    assert all(url.startswith(server.base) for url in requested), requested  # nothing from the network
    context.close()


def _fetch(page: Page, path: str) -> int:
    script = f"""async () => (await fetch({json.dumps(path)},
        {{headers: {{Authorization: "Bearer " + {json.dumps(TOKEN)}}}}})).status"""
    status: int = page.evaluate(script)
    return status


def test_requests_appear_live_and_explain_their_answer(page: Page, tmp_path_factory: pytest.TempPathFactory) -> None:
    page.get_by_test_id("clear-journal").click()
    assert _fetch(page, f"/events?{QUERY}") == 200
    assert _fetch(page, "/events?from=2024-06-01T00:00:00Z&to=soon") == 400
    rows = page.get_by_test_id("row")
    expect(rows).to_have_count(2)
    rows.filter(has_text="to=soon").click()
    explanation = page.get_by_test_id("explanation")
    expect(explanation).to_contain_text("refused (parameter)")
    expect(explanation).to_contain_text("to='soon' is not a date-time")
    rows.filter(has_text="limit=4").click()
    expect(explanation).to_contain_text("records match")
    expect(page.get_by_test_id("curl")).to_contain_text("Bearer $TOKEN")
    page.screenshot(path=str(tmp_path_factory.mktemp("inspector") / "inspector.png"))


def test_a_scenario_set_from_the_page_answers_the_next_request(page: Page) -> None:
    page.get_by_test_id("scenario-code").select_option("503")
    page.get_by_test_id("scenario-set").click()
    expect(page.get_by_test_id("scenarios")).to_contain_text('"code":503')
    assert _fetch(page, f"/events?{QUERY}") == 503
    page.get_by_test_id("scenario-clear").click()
    expect(page.get_by_test_id("scenarios")).to_have_text("none")
    assert _fetch(page, f"/events?{QUERY}") == 200
    expect(page.get_by_test_id("row").first).to_contain_text("served")
