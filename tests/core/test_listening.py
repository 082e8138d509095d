"""The listening socket: bound and listening before the address is printed."""

from __future__ import annotations

import socket

from mockserver.core.listening import bind


def test_a_client_that_connects_as_soon_as_the_socket_is_bound_is_queued_not_refused() -> None:
    """A server prints its address once ``bind`` returns and starts its loop after: a client that connects in between
    (a test that waits for the printed line, a script) is queued until the loop accepts it."""
    with bind("127.0.0.1", 0) as sock, socket.create_connection(sock.getsockname(), timeout=5) as client:
        client.sendall(b"GET / HTTP/1.1\r\n\r\n")
        accepted, _ = sock.accept()
        with accepted:
            assert accepted.recv(64).startswith(b"GET / ")
