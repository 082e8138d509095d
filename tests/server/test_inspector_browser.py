"""The inspector page in headless Chromium: requests appear live, explain themselves, and a scenario set there works.

A real ``mockserver serve`` on loopback; API requests are sent from the page's own context (``fetch``), as an app
under development would send them.
"""

from __future__ import annotations

import json
import subprocess
import time
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
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server.base}/__mock/")
    yield page
    assert all(url.startswith(server.base) for url in requested), requested  # nothing from the network
    context.close()


INTERVENTIONS = "/main/calendar/v2/rs/events?startDate=2024-06-01T00:00:00Z&endDate=2025-06-01T00:00:00Z&limit=3"
SESSION = {"x-session-token": "alice's session", "content-type": "application/json"}


def _fetch(page: Page, path: str, headers: dict[str, str] | None = None) -> int:
    sent = {"Authorization": f"Bearer {TOKEN}", **(headers or {})}
    script = f"""async () => (await fetch({json.dumps(path)}, {{headers: {json.dumps(sent)}}})).status"""
    status: int = page.evaluate(script)
    return status


def test_requests_appear_live_and_explain_their_answer(page: Page, tmp_path_factory: pytest.TempPathFactory) -> None:
    _clear_journal(page)
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
    _clear_journal(page)
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


def _clear_journal(page: Page) -> None:
    """Clear the journal from the page and wait until the server has cleared it (a request sent while the clear is
    still on its way could be cleared with it, and the page would never list it)."""
    with page.expect_response(lambda r: r.request.method == "DELETE" and r.url.endswith("/requests")):
        page.get_by_test_id("clear-journal").click()


def _run_pasted(command: str, tmp_path: Path, env: dict[str, str]) -> str:
    """The status a pasted command gets from the server: real curl, in bash, with ``env`` exported."""
    written = subprocess.run(
        ["bash", "-c", command + " -s -o /dev/null -w '%{http_code}'"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return written.stdout


@pytest.mark.parametrize(
    ("path", "headers"),
    [(f"/events?{QUERY}", {}), ("/events?from=2024-06-01T00:00:00Z&to=soon", {}), (INTERVENTIONS, SESSION)],
    ids=["served", "refused", "session"],
)
def test_a_copied_curl_run_as_pasted_gets_the_status_shown(
    page: Page, tmp_path: Path, path: str, headers: dict[str, str]
) -> None:
    _clear_journal(page)
    status = _fetch(page, path, headers)
    row = page.get_by_test_id("row").first
    expect(row).to_contain_text(str(status))
    row.click()
    page.get_by_test_id("copy-curl").click()
    copied: str = page.evaluate("() => navigator.clipboard.readText()")
    named = page.get_by_test_id("curl-variables").inner_text()
    env = {"MOCKSERVER_TOKEN": TOKEN, "MOCKSERVER_SESSION_TOKEN": SESSION["x-session-token"]}
    assert all(name in named for name in env)
    assert _run_pasted(copied, tmp_path, env) == str(status)


def test_status_and_why_of_every_row_are_visible_at_1280_px(page: Page) -> None:
    _clear_journal(page)
    long_query = QUERY + "&" + "&".join(f"category=%E6%9C%83%E8%AD%B0{i}" for i in range(30))
    _fetch(page, f"/events?{long_query}")
    _fetch(page, INTERVENTIONS, SESSION)
    _fetch(page, "/events?from=2024-06-01T00%3A00%3A00Z&to=soon")
    rows = page.get_by_test_id("row")
    expect(rows).to_have_count(3)
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    for index in range(3):
        cells = rows.nth(index).locator("td")
        for column in (4, 5):  # status, why
            box = cells.nth(column).bounding_box()
            assert box is not None and box["x"] + box["width"] <= width, (index, column, box)
    expect(rows.filter(has_text="to=soon")).to_contain_text("from=2024-06-01T00:00:00Z")  # decoded
    expect(rows.first).to_contain_text("to=soon")
    expect(rows.nth(2)).to_contain_text("category=會議29")


def test_a_delay_only_scenario_set_from_the_page_delays_a_200(page: Page, server: ServerProcess) -> None:
    page.get_by_test_id("scenario-delay").fill("700")
    page.get_by_test_id("scenario-set").click()
    expect(page.get_by_test_id("scenarios")).to_contain_text('"preferences":{"delay":700}')
    started = time.monotonic()
    status = _fetch(page, f"/events?{QUERY}")
    waited = time.monotonic() - started
    page.get_by_test_id("scenario-clear").click()
    assert status == 200
    assert waited >= 0.7
    entry = httpx.get(f"{server.base}/__mock/requests", params={"limit": 1}).json()["requests"][0]
    assert entry["applied"] == ["delay=700", "scenario"]


def test_scenarios_set_over_http_show_live_and_count_down(page: Page, server: ServerProcess) -> None:
    expect(page.get_by_test_id("scenarios")).to_have_text("none")
    put = {"dataset": "empty", "api": "events", "times": 2}
    assert httpx.put(f"{server.base}/__mock/scenario", json=put).status_code == 200
    expect(page.get_by_test_id("scenarios")).to_contain_text('"remaining":2')
    assert _fetch(page, f"/events?{QUERY}") == 200
    expect(page.get_by_test_id("scenarios")).to_contain_text('"remaining":1')
    assert _fetch(page, f"/events?{QUERY}") == 200
    expect(page.get_by_test_id("scenarios")).to_have_text("none")


def test_the_response_body_is_shown_pretty_and_in_full_on_demand(page: Page, server: ServerProcess) -> None:
    _clear_journal(page)
    sent = httpx.get(f"{server.base}/events?{QUERY}", headers={"Authorization": f"Bearer {TOKEN}"})
    page.get_by_test_id("row").first.click()
    shown = page.get_by_test_id("response-body")
    expect(shown).to_contain_text("…")
    assert shown.inner_text().startswith('{\n  "')  # indented: one key a line
    page.get_by_test_id("response-all").click()
    expect(page.get_by_test_id("response-all")).to_have_count(0)
    assert json.loads(shown.inner_text()) == sent.json()


def test_the_page_s_own_requests_are_never_journalled(browser: Browser, server: ServerProcess) -> None:
    assert httpx.delete(f"{server.base}/__mock/requests").status_code == 204
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.base}/__mock/")
    page.wait_for_function("() => document.querySelector('[data-testid=pid]').textContent !== ''")
    page.reload()
    page.wait_for_function("() => document.querySelector('[data-testid=pid]').textContent !== ''")
    httpx.get(f"{server.base}/favicon.ico")
    context.close()
    assert httpx.get(f"{server.base}/__mock/requests").json()["requests"] == []
