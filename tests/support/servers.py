"""Real server processes: ``mockserver serve`` started on a free loopback port and stopped by the test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from mockserver.server.workers import CRASH_LOOP_S

__all__ = ["Serve", "ServerProcess", "free_port", "past_crash_loop", "start_server"]

Serve = Callable[..., str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ServerProcess:
    """A running ``mockserver serve``: its base URL, its process and the file holding its output."""

    base: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_server(directory: Path, *args: str, port: int | None = None) -> ServerProcess:
    """Start ``mockserver serve ARGS`` on 127.0.0.1 (a free port unless given) and wait for /healthz."""
    port = free_port() if port is None else port
    log = directory / f"server-{port}-{time.monotonic_ns()}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", port, process, log)
    for _ in range(600):
        try:
            if httpx.get(f"{server.base}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            if process.poll() is not None:
                raise AssertionError(server.output()) from None
            time.sleep(0.05)
    server.stop()
    raise AssertionError("the server did not become healthy")


def past_crash_loop(forked: float) -> None:
    """Wait until workers forked by ``forked`` (a ``time.monotonic()`` reading) have lived CRASH_LOOP_S: one killed
    sooner stops the whole server (the supervisor takes it for a crash loop)."""
    time.sleep(max(0.0, forked + CRASH_LOOP_S + 0.2 - time.monotonic()))
