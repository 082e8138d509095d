"""The inspector page in headless Chromium: requests appear live, explain themselves, and a scenario set there works.

A real ``mockserver serve`` on loopback; API requests are sent from the page's own context (``fetch``), as an app
under development would send them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import TIMEOUT_MS
from tests.support.servers import ServerProcess, start_server
from tests.support.shell import paste
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
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server.base}/__mock/")
    yield page
    assert all(url.startswith(server.base) for url in requested), requested  # nothing from the network
    context.close()


def _fetch(page: Page, path: str, headers: dict[str, str] | None = None) -> int:
    sent = {"Authorization": f"Bearer {TOKEN}", **(headers or {})}
    script = f"""async () => (await fetch({json.dumps(path)}, {{headers: {json.dumps(sent)}}})).status"""
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
    expect(page.get_by_test_id("curl")).to_contain_text('Bearer \'"$MOCKSERVER_TOKEN"')
    assert TOKEN not in page.get_by_test_id("curl").inner_text()
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


# What any web page could make a browser send to the mock: a path and a header that once ran in the copied curl.
PLANTED_PATH = "/events'$(touch$IFS./PWNED)'"
PLANTED_PREFER = "code=503'; touch PWNED; echo '"


def test_the_copied_curl_is_the_server_s_and_runs_nothing_it_carried(
    page: Page, server: ServerProcess, tmp_path: Path
) -> None:
    page.get_by_test_id("clear-journal").click()
    assert _fetch(page, f"{PLANTED_PATH}?{QUERY}", {"Prefer": PLANTED_PREFER}) == 404
    page.get_by_test_id("row").first.click()
    entry = httpx.get(f"{server.base}/__mock/requests", params={"limit": 1}).json()["requests"][0]
    expect(page.get_by_test_id("curl")).to_have_text(entry["curl"])
    expect(page.get_by_test_id("curl-variables")).to_contain_text("MOCKSERVER_TOKEN")
    expect(page.get_by_test_id("curl-variables")).to_contain_text("MOCKSERVER_SESSION_TOKEN")
    page.get_by_test_id("copy-curl").click()
    copied: str = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == entry["curl"]
    pasted = paste(copied, tmp_path, {"MOCKSERVER_TOKEN": TOKEN})
    assert not pasted.pwned
    assert pasted.argv is not None, pasted.stderr
    assert pasted.argv[-1] == f"{server.base}{PLANTED_PATH}?{QUERY}"
    assert ["-H", f"prefer: {PLANTED_PREFER}"] in [pasted.argv[i : i + 2] for i in range(len(pasted.argv))]
    assert f"authorization: Bearer {TOKEN}" in pasted.argv
