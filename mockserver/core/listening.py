"""Binding the listening socket before anything is printed, so that a busy port is one clear line, and listening on
it at once, so that a client that connects as soon as the address is printed is queued, never refused."""

from __future__ import annotations

import socket

__all__ = ["BACKLOG", "BindError", "base_url", "bind"]

BACKLOG = 2048  # uvicorn's default: the connections the kernel queues before the server accepts them


class BindError(Exception):
    """The address cannot be listened on; the message says which and why."""


def bind(host: str, port: int) -> socket.socket:
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)  # (the server's loop listens again when it starts: the same socket, its own backlog)
    except OSError as exc:
        raise BindError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def base_url(host: str, sock: socket.socket) -> str:
    return f"http://{'[' + host + ']' if ':' in host else host}:{sock.getsockname()[1]}"
