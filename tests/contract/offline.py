"""A report file opened in headless Chromium with every request recorded and any beyond the file refused."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, Route

from tests.server.test_browser import TIMEOUT_MS

__all__ = ["Opened", "opened_offline"]


@dataclass
class Opened:
    page: Page
    requests: list[str] = field(default_factory=list)  # every URL the page asked for, the file's own included


@contextmanager
def opened_offline(browser: Browser, path: Path) -> Iterator[Opened]:
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    context.set_default_timeout(TIMEOUT_MS)
    opened = Opened(context.new_page())
    opened.page.on("request", lambda request: opened.requests.append(request.url))

    def refuse(route: Route) -> None:
        route.continue_() if route.request.url == path.as_uri() else route.abort()

    opened.page.route("**/*", refuse)
    try:
        opened.page.goto(path.as_uri())
        opened.page.wait_for_load_state("load")
        yield opened
    finally:
        context.close()
