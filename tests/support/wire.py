"""Requests written byte for byte on a socket: header values no HTTP client would send, absolute-form targets, bodies
cut short."""

from __future__ import annotations

import socket

__all__ = ["abandon", "exchange", "status_of"]


def exchange(
    port: int,
    target: bytes,
    headers: list[tuple[bytes, bytes]],
    method: bytes = b"GET",
    body: bytes = b"",
    timeout: float = 30,
) -> bytes:
    """Send one request (``Host: 127.0.0.1`` unless given, ``Connection: close``) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(_request(target, headers, method) + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def status_of(answer: bytes) -> int:
    """The status code of an answer's status line (0 when the server closed without one)."""
    parts = answer.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def abandon(port: int, target: bytes, headers: list[tuple[bytes, bytes]], method: bytes, body: bytes) -> None:
    """Send a request's head and the start of its body, and close the connection without reading an answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(_request(target, headers, method) + body)


def _request(target: bytes, headers: list[tuple[bytes, bytes]], method: bytes) -> bytes:
    names = {name.lower() for name, _ in headers}
    lines = [method + b" " + target + b" HTTP/1.1"]
    if b"host" not in names:
        lines.append(b"Host: 127.0.0.1")
    lines += [name + b": " + value for name, value in headers]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n"
