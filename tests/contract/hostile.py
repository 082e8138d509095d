"""Hostile HTTP targets on loopback: raw sockets, one thread per connection, every loop bounded.

A target answers its first ``good`` requests with a valid, empty events page (so the credentials check and,
with ``good`` > 1, the survey pass), then misbehaves the way its ``behaviour`` says on every later request.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Behaviour = Callable[["Target", socket.socket], None]

GOOD_BODY = b'{"events": [], "count": 0, "page": 1}'
MAX_DRIP_SECONDS = 120  # a dripping answer ends after this, whoever is (not) reading
HUGE_BODY = 100 * 1024 * 1024
TLS_HANDSHAKE = b"\x16\x03"  # a TLS record: handshake, version 3.x
BOMB_SIZE = 256 * 1024 * 1024  # decompressed; about 250 KB on the wire


def _head(status: str, length: int, *extra: str) -> bytes:
    lines = [
        f"HTTP/1.1 {status}",
        "Content-Type: application/json",
        f"Content-Length: {length}",
        "Connection: close",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def gzip_bomb(size: int = BOMB_SIZE) -> bytes:
    """A gzip stream of ``size`` zero bytes, built by streaming zeros through zlib (never ``size`` in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(size // len(zeros))]
    parts.append(packer.flush())
    return b"".join(parts)


@dataclass
class Target:
    """A listening socket on 127.0.0.1 and the threads that serve it; use as a context manager."""

    behaviour: Behaviour
    good: int = 1
    host: str = "127.0.0.1"
    requests: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    answered: threading.Event = field(default_factory=threading.Event)  # set once a good answer was sent
    lock: threading.Lock = field(default_factory=threading.Lock)
    sock: socket.socket = field(default_factory=socket.socket)
    threads: list[threading.Thread] = field(default_factory=list)
    redirect_to: str = ""  # where the redirecting behaviour points
    delay: float = 0.0  # seconds before each good answer
    tls: ssl.SSLContext | None = None  # serve TLS with this server context

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> Target:
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((self.host, 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self._spawn(self._accept)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in list(self.threads):
            thread.join(timeout=5)
        self.sock.close()

    def _spawn(self, run: Callable[[], None]) -> None:
        thread = threading.Thread(target=run, daemon=True)
        self.threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(lambda conn=conn: self._serve(conn))  # type: ignore[misc]

    def _serve(self, conn: socket.socket) -> None:
        # A client that gives up (or fails the TLS handshake) ends the exchange: OSError is expected here.
        with contextlib.suppress(OSError), contextlib.ExitStack() as stack:
            stack.enter_context(conn)
            conn.settimeout(5)
            if self.tls is not None:
                conn = stack.enter_context(self.tls.wrap_socket(conn, server_side=True))
            self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        if not read_request(conn):
            return
        with self.lock:
            self.requests += 1
            n = self.requests
        if n <= self.good:
            if self.stop.wait(self.delay):
                return
            conn.sendall(_head("200 OK", len(GOOD_BODY)) + GOOD_BODY)
            self.answered.set()
        else:
            self.behaviour(self, conn)


def read_request(conn: socket.socket) -> bytes:
    """The request head (a GET has no body), or b"" when the client sent none.

    A TLS handshake counts as a request too: like a plain HTTP server, the target answers it in plain text.
    """
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 256 * 1024 and not data.startswith(TLS_HANDSHAKE):
        chunk = conn.recv(65536)
        if not chunk:
            return b""
        data += chunk
    return data


# ---- behaviours ----


def drip(target: Target, conn: socket.socket) -> None:
    """Headers, then one body byte a second, for as long as anyone listens (up to MAX_DRIP_SECONDS)."""
    conn.sendall(_head("200 OK", 10_000_000))
    for _ in range(MAX_DRIP_SECONDS):
        conn.sendall(b" ")
        if target.stop.wait(1.0):
            return


def huge(target: Target, conn: socket.socket) -> None:
    """A 100 MB body, streamed in 64 KB pieces (never built in memory)."""
    conn.sendall(_head("200 OK", HUGE_BODY))
    piece = b" " * 65536
    for _ in range(HUGE_BODY // len(piece)):
        if target.stop.is_set():
            return
        conn.sendall(piece)


def bomb(payload: bytes) -> Behaviour:
    def send(target: Target, conn: socket.socket) -> None:
        conn.sendall(_head("200 OK", len(payload), "Content-Encoding: gzip") + payload)

    return send


def redirect(target: Target, conn: socket.socket) -> None:
    conn.sendall(_head("302 Found", 0, f"Location: {target.redirect_to}"))


def reset(target: Target, conn: socket.socket) -> None:
    """Half an answer, then a TCP reset (SO_LINGER 0 makes close() send RST)."""
    conn.sendall(_head("200 OK", len(GOOD_BODY)) + GOOD_BODY[:10])
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def hang(target: Target, conn: socket.socket) -> None:
    """Read the request and never answer (until the target stops)."""
    target.stop.wait(MAX_DRIP_SECONDS)


@contextlib.contextmanager
def listener(host: str) -> Iterator[tuple[int, list[int]]]:
    """A port on ``host`` that counts the connections it accepts (the list holds one number)."""
    sock = socket.socket()
    sock.bind((host, 0))
    sock.listen(16)
    sock.settimeout(0.1)
    count = [0]
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            count[0] += 1
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(sock.getsockname()[1]), count
    finally:
        stop.set()
        thread.join(timeout=5)
        sock.close()
