"""The Swagger UIs in headless Chromium: authorise, "Try it out", Execute, and see a 200 with events."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import TIMEOUT_MS
from tests.support.servers import ServerProcess, start_server

WINDOW = {"interventions": ("scheduledStart", "scheduledEnd"), "events": ("from", "to")}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("browser-server"), "--count", "200")
    yield process
    process.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.locator(".opblock-summary").first.wait_for()
    page.locator("button.authorize").first.click()


def _close_dialog(page: Page) -> None:
    page.locator(".modal-ux button.btn-done").first.click()
    page.locator(".modal-ux").wait_for(state="detached")


def _try_it_out(page: Page, api: str, tmp_path: Path) -> dict[str, Any]:
    """Open the operation, fill a wide window, Execute; the rendered response's status and JSON body."""
    page.locator(".opblock-summary").first.click()
    page.locator("button.try-out__btn").click()
    start, end = WINDOW[api]
    page.locator(f'tr[data-param-name="{start}"] input').fill("2000-01-01T00:00:00Z")
    page.locator(f'tr[data-param-name="{end}"] input').fill("2100-01-01T00:00:00Z")
    page.locator("button.execute").click()
    live = page.locator(".live-responses-table .response")
    live.locator(".response-col_status").wait_for()
    live.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"{api}.png"))
    status = live.locator(".response-col_status").inner_text().strip()
    body = live.locator(".response-col_description pre.microlight").first.inner_text()
    assert status == "200", f"{api}: {status} {body[:500]}"
    return dict(json.loads(body))


def test_events_authorised_through_the_oauth2_dialog(page: Page, server: ServerProcess, tmp_path: Path) -> None:
    _open(page, f"{server.base}/ui/")
    page.locator("#client_id").fill("frontend")
    page.locator("#client_secret").fill("anything")
    page.locator(".scopes label").filter(has_text="calendar.event.read").click()  # the box itself is hidden
    assert page.locator('input[data-value="calendar.event.read"]').is_checked()
    oauth2 = page.locator(".auth-container").filter(has_text="clientCredentials")
    with page.expect_response(f"{server.base}/oauth/token") as token:
        oauth2.locator("button.authorize").click()
    assert token.value.status == 200 and token.value.json()["token_type"] == "Bearer"
    oauth2.get_by_role("heading", name="Authorized").wait_for()
    _close_dialog(page)
    body = _try_it_out(page, "events", tmp_path)
    assert body["events"] and body["count"] >= len(body["events"])


def test_interventions_authorised_with_a_token_from_the_cli(page: Page, server: ServerProcess, tmp_path: Path) -> None:
    token = subprocess.run(
        [sys.executable, "-m", "mockserver", "token"], capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()
    _open(page, f"{server.base}/main/ui/")
    page.locator('input[aria-label="auth-bearer-value"]').fill(token)
    page.locator(".auth-container button.authorize").first.click()
    _close_dialog(page)
    # Swagger UI drops the required content-type header parameter; our page's request interceptor adds it.
    with page.expect_request("**/main/calendar/v2/rs/events?*") as sent:
        body = _try_it_out(page, "interventions", tmp_path)
    assert sent.value.headers.get("content-type") == "application/json"
    assert body["data"] and "pagination" in body


@pytest.mark.parametrize(("api", "base"), [("events", ""), ("interventions", "/main")])
def test_the_servers_box_names_this_mock(page: Page, server: ServerProcess, api: str, base: str) -> None:
    page.goto(f"{server.base}{base}/ui/")
    page.locator(".opblock-summary").first.wait_for()
    servers = page.locator(".servers select option")
    assert servers.all_inner_texts() == [f"{server.base}{base} - this mock"]
