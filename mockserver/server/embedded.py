"""The mock in a thread of the calling process, on a free loopback port: for a project's own tests (the pytest
plugin's ``calendar_mock`` fixture), as WireMock and Microcks offer through Testcontainers, without a container.

A real uvicorn server on 127.0.0.1 (the app ``create_app`` builds, so everything ``mockserver serve`` answers:
the APIs, the journal and scenarios under ``/__mock/``, Swagger UI), started and stopped by a context manager; the
scenarios asked for are set through the same HTTP route a script would use, before the first request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from mockserver.apis import scopes, table
from mockserver.core.listening import base_url, bind
from mockserver.core.tokens import mint_token
from mockserver.server.admin import PREFIX
from mockserver.server.app import create_app
from mockserver.server.banner import required_headers
from mockserver.server.settings import Settings

__all__ = ["EmbeddedError", "RunningMock", "running_mock"]

_START_S = 60.0  # building a large dataset takes a while; a server not up by then is an error


class EmbeddedError(RuntimeError):
    """The mock could not start, or refused a scenario; the message says why."""


@dataclass(frozen=True)
class RunningMock:
    """A running mock: where each API is, a token it accepts, and its admin routes."""

    base_url: str  # http://127.0.0.1:PORT
    urls: Mapping[str, str]  # per API, its base URL (the spec's paths are appended to it)
    token: str  # a development token with every scope the specs name, no expiry
    headers: Mapping[str, Mapping[str, str]]  # per API, the headers a request needs (token, required headers)

    def set_scenario(self, **scenario: Any) -> dict[str, Any]:
        """``PUT /__mock/scenario`` (``code=503, api="events", times=1``, ``delay=700``, ``dataset="empty"``...)."""
        answer = httpx.put(f"{self.base_url}{PREFIX}/scenario", json=scenario, timeout=10)
        if answer.status_code != 200:
            raise EmbeddedError(f"scenario {scenario!r} refused: {answer.json().get('detail', answer.text)}")
        found: dict[str, Any] = answer.json()
        return found

    def clear_scenarios(self) -> None:
        httpx.delete(f"{self.base_url}{PREFIX}/scenario", timeout=10).raise_for_status()

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """The journal, newest first (``api=``, ``status=`` as ``GET /__mock/requests``)."""
        answer = httpx.get(f"{self.base_url}{PREFIX}/requests", params=filters, timeout=10)
        answer.raise_for_status()
        found: list[dict[str, Any]] = answer.json()["requests"]
        return found

    def clear_requests(self) -> None:
        httpx.delete(f"{self.base_url}{PREFIX}/requests", timeout=10).raise_for_status()


@contextmanager
def running_mock(settings: Settings, scenarios: Sequence[Mapping[str, Any]] = ()) -> Iterator[RunningMock]:
    """Serve ``settings`` on a free loopback port until the block ends, with ``scenarios`` set."""
    app = create_app(settings)
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="mockserver")
    thread.start()
    try:
        deadline = time.monotonic() + _START_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise EmbeddedError("the mock did not start (see the log above)")
            time.sleep(0.01)
        base = base_url("127.0.0.1", sock)
        token = mint_token(scopes(settings.apis))
        mock = RunningMock(
            base_url=base,
            urls={api: base + table(api).base_path for api in settings.apis},
            token=token,
            headers={api: required_headers(api, token) for api in settings.apis},
        )
        for scenario in scenarios:
            mock.set_scenario(**scenario)
        yield mock
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
