"""The HTTP protocol under uvicorn, with a deadline for a request's head.

uvicorn closes an idle keep-alive connection after ``timeout_keep_alive``, but a connection that sends part of a
request head (or nothing at all) and then waits stays open for as long as the client likes: a few thousand of
them hold a worker's memory and its connection slots (slowloris). This protocol closes a connection whose request
head has not fully arrived ``head_timeout`` seconds after the connection opened or the request began.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["DEFAULT_HEAD_TIMEOUT_S", "DEFAULT_MAX_CONNECTIONS", "HeadTimeoutProtocol", "configure"]

DEFAULT_HEAD_TIMEOUT_S = 20.0
DEFAULT_MAX_CONNECTIONS = 1000  # beyond it, a request is answered 503 (uvicorn's limit_concurrency)
_ATTRIBUTE = "mockserver_head_timeout"  # carried on uvicorn's Config, which worker processes receive pickled


def configure(config: Config, head_timeout_s: float) -> Config:
    """``config`` serving with this protocol and this head deadline."""
    config.http = HeadTimeoutProtocol
    setattr(config, _ATTRIBUTE, head_timeout_s)
    return config


class HeadTimeoutProtocol(HttpToolsProtocol):
    def __init__(self, config: Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._head_timeout: float = getattr(config, _ATTRIBUTE, DEFAULT_HEAD_TIMEOUT_S)
        self._head_deadline: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        if self._head_deadline is None:
            self._head_deadline = self.loop.call_later(self._head_timeout, self._head_expired)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_expired(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a connection that sends nothing is held to the same deadline

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)
