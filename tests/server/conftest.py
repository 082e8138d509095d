"""Fixtures of the server tests that drive a real browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.server.test_browser import CHROMIUM_FLAGS, TIMEOUT_MS


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, which `make test` installs; missing, the test fails (it is never skipped)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, timeout=TIMEOUT_MS)
        yield chromium
        chromium.close()
