"""What one client can make a real server process hold: memory, connections and time, each bounded by a setting."""

from __future__ import annotations

import contextlib
import http.client
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from tests.support.data import EVENTS
from tests.support.servers import ServerProcess
from tests.support.tokens import AUTH

StartServer = Callable[..., ServerProcess]
PAGE = f"{EVENTS}?from=2015-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&limit=100"
REQUEST = (
    f"GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in AUTH.items()) + "\r\n"
).encode()


def _rss_mb(server: ServerProcess) -> int:
    with open(f"/proc/{server.process.pid}/status", encoding="ascii") as file:
        return int(file.read().split("VmRSS:")[1].split()[0]) // 1024


def _status(server: ServerProcess, raw: bytes, source: str = "127.0.0.1") -> int:
    """The status of one raw request on a fresh connection from ``source``."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30, source_address=(source, 0)) as sock:
        sock.sendall(raw)
        response = http.client.HTTPResponse(sock)
        response.begin()
        response.read()
        return response.status


@contextmanager
def _connections(server: ServerProcess, count: int, sent: bytes) -> Iterator[list[socket.socket]]:
    """``count`` connections from 127.0.0.1 that sent ``sent`` and read nothing, closed after the block."""
    with ExitStack() as stack:
        opened = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket())
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", server.port))
            sock.setblocking(False)
            with contextlib.suppress(BlockingIOError, ConnectionError):  # the server stopped reading: the bound
                sock.sendall(sent)
            opened.append(sock)
        yield opened


def test_clients_that_pipeline_and_never_read_hold_little_memory(serve_process: StartServer) -> None:
    server = serve_process()
    assert _status(server, REQUEST) == 200
    before = _rss_mb(server)
    with _connections(server, 16, REQUEST * (256 * 1024 // len(REQUEST))):
        time.sleep(1.0)  # let the server read and answer what it will
        grown = _rss_mb(server) - before
        assert _status(server, REQUEST) == 200  # another client is still answered
    assert grown < 64, f"16 non-reading pipelining connections grew the server by {grown} MB"


def test_a_head_over_the_limit_is_refused_with_431(serve_process: StartServer) -> None:
    server = serve_process("--max-header-bytes", "65536")
    big = REQUEST.replace(b"\r\n\r\n", b"\r\nX-Padding: " + b"a" * 70_000 + b"\r\n\r\n")
    assert _status(server, big) == 431
    fits = REQUEST.replace(b"\r\n\r\n", b"\r\nX-Padding: " + b"a" * 16_000 + b"\r\n\r\n")  # a 16 KB JWT's size
    assert _status(server, fits) == 200


def test_an_announced_body_over_the_limit_is_refused_before_it_is_sent(serve_process: StartServer) -> None:
    server = serve_process("--max-body-bytes", "1000")
    head = b"POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\n"
    assert _status(server, head) == 413  # the body never came: it was refused from the head


def test_a_stalled_body_is_closed_at_its_deadline(serve_process: StartServer) -> None:
    server = serve_process("--head-timeout", "1")
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nabc")
        assert sock.recv(100) == b""  # closed by the server (the 30 s timeout would raise)


def test_one_address_cannot_take_every_connection(serve_process: StartServer) -> None:
    server = serve_process("--max-connections-per-client", "20", "--max-connections", "60")
    with _connections(server, 20, b"GET /ev"):  # half-sent heads, up to the cap
        time.sleep(0.3)
        assert _status(server, REQUEST) == 503  # one more from the same address
        assert _status(server, REQUEST, source="127.0.0.2") == 200  # another client is not


def test_a_half_closed_connection_is_answered_by_the_lane_and_by_the_app(serve_process: StartServer) -> None:
    server = serve_process()
    for extra in (b"", b"Prefer: code=200\r\n", b"Origin: http://a.example\r\n"):  # the lane, then the app
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            sock.sendall(REQUEST.replace(b"\r\n\r\n", b"\r\n" + extra + b"\r\n"))
            sock.shutdown(socket.SHUT_WR)
            response = http.client.HTTPResponse(sock)
            response.begin()
            assert (response.status, len(response.read()) > 0) == (200, True), extra


def test_sigterm_closes_connections_that_are_still_sending(serve_process: StartServer) -> None:
    server = serve_process("--drain-timeout", "1")
    half_sent = b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n"  # heads never finished
    with _connections(server, 50, half_sent), socket.create_connection(("127.0.0.1", server.port)) as stalled:
        stalled.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nabc")
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        # Well inside the head and body deadlines (20 s): the server does not wait for them. Uvicorn re-raises the
        # signal on itself once its shutdown is done: -15 after a clean stop.
        assert server.process.wait(timeout=10) in (0, -signal.SIGTERM)
    assert "Finished server process" in server.output()


def test_a_new_seed_is_built_off_the_event_loop(serve_process: StartServer) -> None:
    """While a large dataset for ``Prefer: seed`` is built, plain requests are answered (before the seeded one is)."""
    server = serve_process("--count", "300000")
    seeded = REQUEST.replace(b"\r\n\r\n", b"\r\nPrefer: seed=4242\r\n\r\n")
    finished: list[str] = []

    def ask(raw: bytes, name: str) -> None:
        assert _status(server, raw) == 200
        finished.append(name)

    builder = threading.Thread(target=ask, args=(seeded, "seeded"))
    builder.start()
    time.sleep(0.02)  # the seeded request is in: its dataset is being built
    for n in range(5):
        ask(REQUEST, f"plain-{n}")
    builder.join(timeout=120)
    assert finished[0].startswith("plain"), finished
