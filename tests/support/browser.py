"""Headless Chromium for the tests: the flags and timeout it runs with, and a file opened with the network refused."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, Route

__all__ = ["CHROMIUM_FLAGS", "TIMEOUT_MS", "Opened", "opened_offline"]

# What the machine's probe ran Chromium with; Playwright adds --headless and a fresh profile directory itself.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@dataclass
class Opened:
    """A page opened offline and the URLs it asked for."""

    page: Page
    requests: list[str] = field(default_factory=list)  # every URL the page asked for, the file's own included


@contextmanager
def opened_offline(browser: Browser, path: Path) -> Iterator[Opened]:
    """``path`` opened in a new page, every request recorded and any beyond the file itself refused."""
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
