"""Shared fixtures: clients of apps built from settings (responses validated), real server processes, Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from playwright.sync_api import Browser, sync_playwright
from starlette.testclient import TestClient

from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.support.browser import CHROMIUM_FLAGS, TIMEOUT_MS
from tests.support.clients import ClientFactory
from tests.support.servers import Serve, ServerProcess, start_server

# No test depends on wall-clock speed: Hypothesis's per-example deadline (200 ms by default) is off for the whole suite
# (a loaded 2-core CI machine made a 1 ms example take 324 ms). Examples and other settings stay Hypothesis's own.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

# The container image tests need podman and a built image: `make image-test` sets MOCKSERVER_IMAGE; the install
# tests build the package and install it into fresh venvs: `make test-install` sets MOCKSERVER_INSTALL_TEST.
collect_ignore = [] if os.environ.get("MOCKSERVER_IMAGE") else ["image"]
collect_ignore += [] if os.environ.get("MOCKSERVER_INSTALL_TEST") else ["install"]


@pytest.fixture(scope="session")
def make_client() -> Iterator[ClientFactory]:
    """Clients of apps built from ``Settings(**kwargs)`` (validate_responses on), cached per settings."""
    clients: dict[Any, TestClient] = {}

    def factory(**kwargs: Any) -> TestClient:
        settings = Settings(**{"count": 300, "validate_responses": True, **kwargs})
        key = repr(settings)
        if key not in clients:
            clients[key] = TestClient(create_app(settings))
        return clients[key]

    yield factory
    for client in clients.values():
        client.close()


@pytest.fixture(scope="session")
def client(make_client: ClientFactory) -> TestClient:
    return make_client()


@pytest.fixture
def serve_process(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start servers with ``serve_process(*args)``; every one is stopped after the test."""
    servers: list[ServerProcess] = []

    def start(*args: str, port: int | None = None) -> ServerProcess:
        servers.append(start_server(tmp_path, *args, port=port))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def serve(serve_process: Callable[..., ServerProcess]) -> Serve:
    """Start ``mockserver serve ARGS`` on a free port, wait for /healthz, and stop it afterwards: the base URL."""
    return lambda *args: serve_process(*args).base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, which `make test` installs; missing, the test fails (it is never skipped). One for the
    session: Playwright's sync API cannot run two at once."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, timeout=TIMEOUT_MS)
        yield chromium
        chromium.close()
