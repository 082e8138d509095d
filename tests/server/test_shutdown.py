"""Graceful shutdown: SIGTERM under load lets in-flight answers finish whole; a restart serves the same bytes."""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from tests.support.data import EVENTS, INTERVENTIONS, SESSION
from tests.support.servers import ServerProcess
from tests.support.tokens import AUTH

StartServer = Callable[..., ServerProcess]

ARGS = ("--seed", "11", "--count", "2000")
BIG = (  # a large answer: it cannot sit whole in the socket buffers of a client that reads slowly
    f"{INTERVENTIONS}?scheduledStart=2020-01-01T00:00:00Z&scheduledEnd=2030-01-01T00:00:00Z"
    "&includeSites=true&includeCount=true&pageSize=250&page=2"
)
LOAD = [
    (f"{EVENTS}?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&limit=20", AUTH),
    (
        f"{INTERVENTIONS}?scheduledStart=2024-06-01T00:00:00Z&scheduledEnd=2025-06-01T00:00:00Z&includeSites=false"
        "&pageSize=20",
        {**AUTH, **SESSION},
    ),
]
CLIENTS = 4
SLOW_READERS = 3


@dataclass
class LoadResult:
    statuses: list[int] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _load(base: str, stop: threading.Event, result: LoadResult) -> None:
    """One keep-alive client in a bounded loop, until told to stop or the server is gone."""
    with httpx.Client(base_url=base, timeout=30) as client:
        for n in range(5000):
            if stop.is_set():
                return
            path, headers = LOAD[n % len(LOAD)]
            try:
                response = client.get(path, headers=headers)
            except httpx.RemoteProtocolError as exc:
                # Closed before any byte of an answer: the request never started (an idle keep-alive race).
                if "without sending" not in str(exc):
                    with result.lock:
                        result.truncated.append(repr(exc))
                return
            except httpx.TransportError:
                return  # refused or reset before an answer began: the listener is closed
            with result.lock:
                result.statuses.append(response.status_code)


def _request(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _start_slow_reader(port: int) -> tuple[socket.socket, bytes]:
    """Send the big request and read only the first bytes of its answer: it is now in flight."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(60)
    sock.connect(("127.0.0.1", port))
    sock.sendall(_request(BIG, {**AUTH, **SESSION}))
    return sock, sock.recv(16)


def _read_to_end(sock: socket.socket, first: bytes) -> bytes:
    chunks = [first]
    with sock:
        for _ in range(1_000_000):
            chunk = sock.recv(65536)  # a reset raises here: the test then fails, as it should
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _body(raw: bytes) -> bytes:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 200 OK", lines[0]
    length = next(int(v) for k, _, v in (line.partition(b":") for line in lines[1:]) if k.lower() == b"content-length")
    assert len(body) == length, f"truncated: {len(body)} of {length} bytes"
    return body


def _stopped_gracefully(server: ServerProcess) -> bool:
    """Uvicorn finishes its shutdown, then re-raises SIGTERM on itself: the exit is -15 after a clean stop."""
    return server.process.wait(timeout=30) in (0, -signal.SIGTERM) and "Finished server process" in server.output()


def _wait_for_load(result: LoadResult, minimum: int) -> None:
    for _ in range(600):
        with result.lock:
            if len(result.statuses) >= minimum:
                return
        threading.Event().wait(0.05)
    raise AssertionError(f"the load did not start: {len(result.statuses)} answers")


def test_sigterm_under_load_finishes_in_flight_answers(serve_process: StartServer) -> None:
    server = serve_process(*ARGS)
    expected = httpx.get(f"{server.base}{BIG}", headers={**AUTH, **SESSION}, timeout=30).content
    stop, result = threading.Event(), LoadResult()
    clients = [threading.Thread(target=_load, args=(server.base, stop, result)) for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    try:
        _wait_for_load(result, 20)
        readers = [_start_slow_reader(server.port) for _ in range(SLOW_READERS)]
        assert all(first.startswith(b"HTTP/1.1 200") for _, first in readers)
        server.process.send_signal(signal.SIGTERM)
        bodies = [_body(_read_to_end(sock, first)) for sock, first in readers]
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=60)
    assert _stopped_gracefully(server)
    assert bodies == [expected] * SLOW_READERS
    assert result.truncated == []
    assert set(result.statuses) == {200}


def test_a_restart_with_the_same_seed_serves_the_same_bytes(serve_process: StartServer) -> None:
    first = serve_process(*ARGS)
    before = [httpx.get(f"{first.base}{path}", headers=headers, timeout=30).content for path, headers in LOAD]
    first.process.send_signal(signal.SIGTERM)
    assert _stopped_gracefully(first)
    second = serve_process(*ARGS, port=first.port)
    after = [httpx.get(f"{second.base}{path}", headers=headers, timeout=30).content for path, headers in LOAD]
    assert after == before
    assert all(len(body) > 1000 for body in after)
