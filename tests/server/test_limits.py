"""A server shared by many clients holds up: stalled request heads are closed, connections are capped with a 503.

Against a real ``mockserver serve`` process on loopback, with raw sockets so that nothing completes a request
on the test's behalf.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import httpx

from tests.support.data import EVENTS, events_params
from tests.support.servers import ServerProcess
from tests.support.tokens import AUTH

HALF_HEAD = b"GET /events?from=2024-01-01T00:00:00Z HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriz"


@contextmanager
def _stalled(port: int, sent: bytes) -> Iterator[socket.socket]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        if sent:
            sock.sendall(sent)
        yield sock
    finally:
        sock.close()


def _closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed ``sock`` (EOF), or None if it was still open after ``seconds``."""
    start = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - start


def test_a_stalled_request_head_is_closed_after_the_head_timeout(
    serve_process: Callable[..., ServerProcess],
) -> None:
    server = serve_process("--head-timeout", "1")
    with _stalled(server.port, HALF_HEAD) as half, _stalled(server.port, b"") as silent:
        assert (waited := _closed_within(half, 8)) is not None and 0.5 < waited < 4
        assert _closed_within(silent, 8) is not None


def test_a_later_request_s_stalled_head_gets_its_own_head_timeout(
    serve_process: Callable[..., ServerProcess],
) -> None:
    """The deadline runs from when a head began, not from when the connection opened or its first head began."""
    server = serve_process("--head-timeout", "2")
    with _stalled(server.port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") as sock:
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        time.sleep(1.5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 12")
        assert (waited := _closed_within(sock, 8)) is not None and 1.5 < waited < 4


def test_a_first_head_begun_late_keeps_the_deadline_of_the_connection_s_opening(
    serve_process: Callable[..., ServerProcess],
) -> None:
    """A client cannot stretch its first head's time by waiting before the first byte (slowloris)."""
    server = serve_process("--head-timeout", "2")
    with _stalled(server.port, b"") as sock:
        time.sleep(1.5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 12")
        assert (waited := _closed_within(sock, 8)) is not None and waited < 1.4


def test_the_server_answers_others_while_heads_are_stalled(serve_process: Callable[..., ServerProcess]) -> None:
    server = serve_process("--head-timeout", "30")
    with ExitStack() as stack:
        for _ in range(50):
            stack.enter_context(_stalled(server.port, HALF_HEAD))
        response = httpx.get(f"{server.base}{EVENTS}", params=events_params(), headers=AUTH, timeout=5)
        assert response.status_code == 200


def test_a_slow_but_steady_head_within_the_timeout_is_served(serve_process: Callable[..., ServerProcess]) -> None:
    server = serve_process("--head-timeout", "3")
    with _stalled(server.port, b"GET /healthz HTTP/1.1\r\n") as sock:
        time.sleep(1)
        sock.sendall(b"Host: 127.0.0.1\r\n")
        time.sleep(1)
        sock.sendall(b"Connection: close\r\n\r\n")
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200")


def test_requests_beyond_the_connection_cap_get_a_503(serve_process: Callable[..., ServerProcess]) -> None:
    server = serve_process("--max-connections", "10", "--head-timeout", "30")
    with ExitStack() as stack:
        for _ in range(10):
            stack.enter_context(_stalled(server.port, HALF_HEAD))
        time.sleep(0.3)
        crowded = httpx.get(f"{server.base}/healthz", timeout=5)
    assert crowded.status_code == 503
    assert httpx.get(f"{server.base}/healthz", timeout=5).status_code == 200
