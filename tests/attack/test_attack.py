"""The attack suite (``make attack``): each way one client could exhaust the mock, at full scale, against a real
server process. It asserts bounds (memory, connections, other clients still answered, a prompt stop), never speed,
and prints the figures (RSS, other clients' latency) for the record."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import pytest

from tests.support.data import EVENTS
from tests.support.servers import ServerProcess
from tests.support.tokens import AUTH

pytestmark = pytest.mark.skipif(os.environ.get("ATTACK") != "1", reason="make attack (ATTACK=1)")

StartServer = Callable[..., ServerProcess]
PAGE = f"{EVENTS}?from=2015-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&limit=20"
REQUEST = (
    f"GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in AUTH.items()) + "\r\n"
).encode()
WORST_CASE_MB = 400  # README, "Bounded by construction": what the default settings let every attack below hold
DRAIN_S = 2.0


def _rss_mb(server: ServerProcess) -> int:
    with open(f"/proc/{server.process.pid}/status", encoding="ascii") as file:
        return int(file.read().split("VmRSS:")[1].split()[0]) // 1024


def _others(server: ServerProcess, count: int = 50, source: str = "127.0.0.2") -> tuple[list[int], list[float]]:
    """Statuses and latencies (s) of ``count`` plain requests from another client, one connection each."""
    statuses, latencies = [], []
    for _ in range(count):
        began = time.perf_counter()
        with socket.create_connection(("127.0.0.1", server.port), timeout=30, source_address=(source, 0)) as sock:
            sock.sendall(REQUEST)
            response = http.client.HTTPResponse(sock)
            response.begin()
            response.read()
        statuses.append(response.status)
        latencies.append(time.perf_counter() - began)
    return statuses, latencies


@contextmanager
def _holding(server: ServerProcess, count: int, sent: bytes, source: str = "127.0.0.1") -> Iterator[None]:
    with ExitStack() as stack:
        for _ in range(count):
            sock = stack.enter_context(socket.socket())
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.bind((source, 0))
            with contextlib.suppress(OSError):
                sock.connect(("127.0.0.1", server.port))
                sock.setblocking(False)
                sock.sendall(sent)
        time.sleep(1.0)
        yield


def _report(capsys: pytest.CaptureFixture[str], case: str, server: ServerProcess, before: int) -> None:
    statuses, latencies = _others(server)
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    rss = _rss_mb(server)
    with capsys.disabled():
        answered = f"{statuses.count(200)}/{len(statuses)} got 200"
        print(f"\nattack {case}: RSS {before} -> {rss} MB; other clients: {answered}, p99 {p99:.1f} ms")
    assert statuses == [200] * len(statuses)
    assert rss < WORST_CASE_MB


def _stops(server: ServerProcess) -> None:
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=DRAIN_S + 10) in (0, -signal.SIGTERM)


ATTACKS = [  # (what, connections from 127.0.0.1, what each sends and never finishes or never reads the answer to)
    ("64 non-reading pipeliners", 64, REQUEST * (256 * 1024 // len(REQUEST))),
    ("60 stalled bodies", 60, b"POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nabc"),
    (
        "60 requests with 10 MB headers",
        60,
        REQUEST.replace(b"\r\n\r\n", b"\r\nX-Big: " + b"a" * 10_485_760 + b"\r\n\r\n"),
    ),
    ("1,100 half-sent heads from 127.0.0.1", 1100, b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n"),
]


@pytest.mark.parametrize(("case", "count", "sent"), ATTACKS, ids=[case for case, _, _ in ATTACKS])
def test_an_attack_is_bounded(
    serve_process: StartServer, capsys: pytest.CaptureFixture[str], case: str, count: int, sent: bytes
) -> None:
    server = serve_process("--drain-timeout", str(DRAIN_S))
    _others(server, 5)  # warm: the first answers of a process pay for its first queries, not for the attack
    before = _rss_mb(server)
    with _holding(server, count, sent):
        _report(capsys, case, server, before)
        _stops(server)
