"""What a production gateway adds in front of a deployment: a request-rate limit answered ``429`` with
``Retry-After``, and latency. It counts what it let through and what it refused, for the tests to read."""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.deployments.problems import ProblemError

__all__ = ["Gate", "Gateway"]


@dataclass
class Gate:
    """The gateway's counters: requests answered by the API behind it, and requests refused with 429."""

    passed: int = 0
    refused: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Gateway:
    """ASGI middleware: at most ``limit`` requests in any second (``0``: none at all), else ``429`` with
    ``Retry-After: retry_after``; each request let through waits ``latency`` milliseconds (MIN, MAX), the same
    request the same wait."""

    def __init__(
        self, app: Any, *, limit: int | None, retry_after: str, latency: tuple[int, int] | None, gate: Gate
    ) -> None:
        self.app = app
        self.limit = limit
        self.retry_after = retry_after
        self.latency = latency
        self.gate = gate
        self.recent: deque[float] = deque()

    def _admitted(self) -> bool:
        if self.limit is None:
            return True
        now = time.monotonic()
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        if len(self.recent) >= self.limit:
            return False
        self.recent.append(now)
        return True

    def _wait(self, scope: dict[str, Any]) -> float:
        assert self.latency is not None
        low, high = self.latency
        key = scope.get("path", "").encode() + b"?" + scope.get("query_string", b"")
        draw = int.from_bytes(hashlib.sha256(key).digest()[:4], "big") / 2**32
        return (low + (high - low) * draw) / 1000

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gate = self.gate
        if not self._admitted():
            with gate.lock:
                gate.refused += 1
            problem = ProblemError(429, "Too many requests: slow down", {"Retry-After": self.retry_after})
            await problem.response()(scope, receive, send)
            return
        with gate.lock:
            gate.passed += 1
            gate.in_flight += 1
            gate.most_in_flight = max(gate.most_in_flight, gate.in_flight)
        try:
            if self.latency is not None:
                await asyncio.sleep(self._wait(scope))
            await self.app(scope, receive, send)
        finally:
            with gate.lock:
                gate.in_flight -= 1
