"""Server-wide chaos, off by default: latency per request, and faults (reset, 503, slow body) at a rate.

Only the API operations are affected (never ``/healthz``, the token endpoint or the docs). Latency is
a function of the request itself (method, path, query), so the same request is always as slow; faults
follow a deterministic sequence over the requests a server receives, so a retry can succeed.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar, Literal

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.server.fence import Fence
from mockserver.server.journal import EXTENSION

__all__ = ["FAULTS", "Chaos", "InjectedResetError", "chaos_middleware"]

Fault = Literal["reset", "503", "slow-body"]
FAULTS: tuple[Fault, ...] = ("reset", "503", "slow-body")
SLOW_BODY_CHUNKS = 20
SLOW_BODY_GAP_S = 0.1


class InjectedResetError(Exception):
    """Raised after the response has started, so that the server drops the connection (``--fault reset``)."""


class _QuietInjectedResetErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], InjectedResetError))


@dataclass(frozen=True)
class Chaos:
    latency_ms: tuple[int, int] | None = None
    fault_rate: float = 0.0
    fault: Fault = "503"
    seed: int = 0

    @property
    def active(self) -> bool:
        return self.latency_ms is not None or self.fault_rate > 0

    def delay_s(self, scope: Scope) -> float:
        if self.latency_ms is None:
            return 0.0
        low, high = self.latency_ms
        key = f"{self.seed}\x00{scope['method']}\x00{scope['path']}\x00".encode() + scope.get("query_string", b"")
        return (low + zlib.crc32(key) % (high - low + 1)) / 1000

    def faults(self, number: int) -> bool:
        return zlib.crc32(f"{self.seed}\x00fault\x00{number}".encode()) / 2**32 < self.fault_rate


_UNAVAILABLE = orjson.dumps(
    {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "an injected fault (the server runs with --fault 503); retry later",
    }
)


def chaos_middleware(chaos: Chaos, paths: Collection[str]) -> type:
    """An outermost ASGI stage applying ``chaos`` to requests for ``paths``."""
    counter = itertools.count()
    logging.getLogger("uvicorn.error").addFilter(_QuietInjectedResetErrors())

    class ChaosMiddleware:
        fence: ClassVar[Fence] = Fence(every_request=True)  # it may delay or fault any API request

        def __init__(self, next_app: ASGIApp) -> None:
            self.next_app = next_app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["path"] not in paths or scope["method"] == "OPTIONS":
                await self.next_app(scope, receive, send)
                return
            delay = chaos.delay_s(scope)
            entry = scope.get(EXTENSION)
            if delay:
                if entry is not None:
                    entry.applied += (f"latency={round(delay * 1000)}ms",)
                await asyncio.sleep(delay)
            if not chaos.faults(next(counter)):
                await self.next_app(scope, receive, send)
                return
            if entry is not None:
                entry.applied += (f"fault={chaos.fault}",)
                entry.explain("fault", f"an injected fault (--fault {chaos.fault}, --fault-rate {chaos.fault_rate})")
                entry.status = 503 if chaos.fault == "503" else 200  # reset and slow-body: the real answer's start
            if chaos.fault == "503":
                await send(
                    {
                        "type": "http.response.start",
                        "status": 503,
                        "headers": [
                            (b"content-type", b"application/problem+json"),
                            (b"retry-after", b"1"),
                            (b"content-length", str(len(_UNAVAILABLE)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": _UNAVAILABLE})
            else:
                await self._fault(scope, receive, send)

        async def _fault(self, scope: Scope, receive: Receive, send: Send) -> None:
            """The real answer, then either its body dripped slowly or the connection dropped after its headers."""
            messages: list[Message] = []

            async def keep(message: Message) -> None:
                messages.append(message)

            await self.next_app(scope, receive, keep)
            start, body = messages[0], b"".join(m.get("body", b"") for m in messages[1:])
            await send(start)
            if chaos.fault == "reset":
                raise InjectedResetError("injected fault: connection dropped after the headers (--fault reset)")
            size = -(-len(body) // SLOW_BODY_CHUNKS) or 1
            for offset in range(0, len(body), size):
                await send({"type": "http.response.body", "body": body[offset : offset + size], "more_body": True})
                await asyncio.sleep(SLOW_BODY_GAP_S)
            await send({"type": "http.response.body", "body": b""})

    return ChaosMiddleware
