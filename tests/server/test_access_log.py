"""The access log: one line per request in uvicorn's format, the same with the journal on (its stage writes the
line) as off (the access log's own stage)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import io
import time
from collections.abc import Callable

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver.server.access_log import Lines
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.support.data import EVENTS, INTERVENTIONS, SESSION
from tests.support.servers import ServerProcess
from tests.support.tokens import AUTH

PEER = "testclient:50000"  # Starlette's TestClient's client address
REQUESTS = [
    # (path, query, headers, status)
    (EVENTS, "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", AUTH, 200),
    (EVENTS, "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&limit=ten", AUTH, 400),
    (EVENTS, "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", {}, 401),
    (
        INTERVENTIONS,
        "scheduledStart=2024-01-01T00:00:00Z&scheduledEnd=2026-01-01T00:00:00Z&includeSites=true",
        {**AUTH, **SESSION},
        200,
    ),
    ("/calendar/v2/rs/events", "", AUTH, 404),  # no route: the base path is missing
    ("/healthz", "", {}, 200),  # outside the journal, still logged
    ("/__mock/requests", "limit=1", {}, 200),
]


@pytest.mark.parametrize("journal", [1000, 0], ids=["journal on", "journal off"])
def test_one_line_per_request_with_its_status(journal: int) -> None:
    stream = io.StringIO()
    app = create_app(Settings(count=50, journal=journal, access_log=True))
    with contextlib.redirect_stderr(stream), TestClient(app, base_url="http://localhost") as client:
        for path, query, headers, status in REQUESTS:
            answer = client.get(f"{path}?{query}" if query else path, headers=headers)
            assert answer.status_code == status, (path, answer.text)
    expected = [
        f'INFO:     {PEER} - "GET {path}{"?" + query if query else ""} HTTP/1.1" {status}'
        for path, query, _, status in REQUESTS
    ]
    assert stream.getvalue().splitlines() == expected


def test_a_head_on_an_api_path_is_logged_with_its_status() -> None:
    stream = io.StringIO()
    app = create_app(Settings(count=50, access_log=True))
    with contextlib.redirect_stderr(stream), TestClient(app, base_url="http://localhost") as client:
        status = client.head(EVENTS, headers=AUTH).status_code
    assert stream.getvalue() == f'INFO:     {PEER} - "HEAD {EVENTS} HTTP/1.1" {status}\n'


def _logged(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("INFO:     127.0.0.1:")]


def test_a_real_server_logs_each_request_once_as_it_is_answered(serve_process: Callable[..., ServerProcess]) -> None:
    """Lines are written in batches at the end of the event loop's turn: each one still appears without any
    further request, and under concurrent clients every request has exactly its line, none lost at shutdown."""
    server = serve_process("--count", "200")
    query = "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&limit=3&page="
    assert httpx.get(f"{server.base}{EVENTS}?{query}0", headers=AUTH).status_code == 200
    alone = f'"GET {EVENTS}?{query}0 HTTP/1.1" 200'
    for _ in range(200):  # written without waiting for another request (polled: a wait, not a timing assertion)
        if any(line.endswith(alone) for line in _logged(server.output())):
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"no line for the lone request:\n{server.output()}")

    def client(first: int) -> list[str]:
        with httpx.Client(base_url=server.base, headers=AUTH) as http:
            return [f"{query}{n}" for n in range(first, first + 25) if http.get(f"{EVENTS}?{query}{n}").is_success]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        sent = [q for answered in pool.map(client, (1, 101, 201, 301)) for q in answered]
    server.stop()
    requested = [line.split('"')[1] for line in _logged(server.output()) if f" {EVENTS}?" in line]
    assert len(sent) == 100
    assert sorted(requested) == sorted(f"GET {EVENTS}?{q} HTTP/1.1" for q in [f"{query}0", *sent])


def _outside_a_loop(write: Callable[[], None]) -> None:
    """In a thread of its own: an earlier test (Playwright's sync API) may leave an event loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(write).result()


def test_each_log_writes_to_its_own_stream_outside_an_event_loop() -> None:
    first, second = io.StringIO(), io.StringIO()
    _outside_a_loop(lambda: Lines(first).write("one\n"))
    _outside_a_loop(lambda: Lines(second).write("two\n"))
    assert (first.getvalue(), second.getvalue()) == ("one\n", "two\n")


def test_a_log_without_a_stream_writes_to_stderr_as_it_is_when_written() -> None:
    lines, later = Lines(), io.StringIO()
    with contextlib.redirect_stderr(later):
        _outside_a_loop(lambda: lines.write("line\n"))
    assert later.getvalue() == "line\n"
