"""Shared factories: apps built from settings, clients with response validation on, tokens, real server processes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright
from starlette.testclient import TestClient

from mockserver.core.tokens import mint_token
from mockserver.server.app import create_app
from mockserver.server.settings import Settings

# The container image tests need podman and a built image: `make image-test` sets MOCKSERVER_IMAGE.
collect_ignore = [] if os.environ.get("MOCKSERVER_IMAGE") else ["image"]

TOKEN = mint_token(["calendar.event.read"])
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SESSION = {"x-session-token": "session", "content-type": "application/json"}
INTERVENTIONS = "/main/calendar/v2/rs/events"
EVENTS = "/events"

ClientFactory = Callable[..., TestClient]


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


def events_params(**overrides: Any) -> dict[str, Any]:
    return {"from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z", **overrides}


def interventions_params(**overrides: Any) -> dict[str, Any]:
    return {
        "scheduledStart": "2024-01-01T00:00:00Z",
        "scheduledEnd": "2026-01-01T00:00:00Z",
        "includeSites": "false",
        **overrides,
    }


# --- Real server processes: `mockserver serve` on a free loopback port --------------------------------------------

Serve = Callable[..., str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ServerProcess:
    """A running ``mockserver serve``: its base URL, its process and the file holding its output."""

    base: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_server(directory: Path, *args: str, port: int | None = None) -> ServerProcess:
    """Start ``mockserver serve ARGS`` on 127.0.0.1 (a free port unless given) and wait for /healthz."""
    port = free_port() if port is None else port
    log = directory / f"server-{port}-{time.monotonic_ns()}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", port, process, log)
    for _ in range(600):
        try:
            if httpx.get(f"{server.base}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            if process.poll() is not None:
                raise AssertionError(server.output()) from None
            time.sleep(0.05)
    server.stop()
    raise AssertionError("the server did not become healthy")


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
    from tests.server.test_browser import CHROMIUM_FLAGS, TIMEOUT_MS  # noqa: PLC0415 (a test module's constants)

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, timeout=TIMEOUT_MS)
        yield chromium
        chromium.close()
