"""The HTTP protocol under uvicorn, with a deadline for a request's head and one write per answer.

uvicorn closes an idle keep-alive connection after ``timeout_keep_alive``, but a connection that sends part of a
request head (or nothing at all) and then waits stays open for as long as the client likes: a few thousand of
them hold a worker's memory and its connection slots (slowloris). This protocol closes a connection whose request
head has not fully arrived ``head_timeout`` seconds after the connection opened or the request began.

uvicorn writes an answer's status line and headers as soon as the app starts it, then its body: two writes, so two
``send`` system calls, each pushing a segment through the TCP stack and waking the client. The protocol's transport
(``BatchedWrites``) keeps the writes of one turn of the event loop and sends them together at its end, so an answer
whose body follows its start at once (every answer of the mock) costs one system call: about a quarter more
requests per second on one core (``bench/RESULTS.md``). Closing the connection sends what is held first.

Given a lane (``configure(..., lane)``: ``lane.Lane``), the protocol asks it first, once a request's head is read:
what the lane answers is written as uvicorn's request cycle would write it, with no ASGI task; what it declines
starts the app as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from starlette.types import Scope
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle

__all__ = [
    "DEFAULT_HEAD_TIMEOUT_S",
    "DEFAULT_MAX_CONNECTIONS",
    "BatchedWrites",
    "HeadTimeoutProtocol",
    "Lane",
    "configure",
]

DEFAULT_HEAD_TIMEOUT_S = 20.0
DEFAULT_MAX_CONNECTIONS = 1000  # beyond it, a request is answered 503 (uvicorn's limit_concurrency)
_ATTRIBUTE = "mockserver_head_timeout"  # carried on uvicorn's Config, which worker processes receive pickled
_LANE = "mockserver_lane"
_OK = STATUS_LINE[200]

# A lane: a request's 200 answer, as its header lines after uvicorn's own (``name: value\r\n`` each) and its body,
# or None to leave the request to the app.
Lane = Callable[[Scope], tuple[bytes, bytes] | None]


def configure(config: Config, head_timeout_s: float, lane: Lane | None = None) -> Config:
    """``config`` serving with this protocol, this head deadline and this lane."""
    config.http = HeadTimeoutProtocol
    setattr(config, _ATTRIBUTE, head_timeout_s)
    setattr(config, _LANE, lane)
    return config


class BatchedWrites(asyncio.Transport):
    """A transport that sends the writes made during one turn of the event loop at its end, as one write."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.transport = transport
        self.loop = loop
        self.held: list[bytes | bytearray | memoryview] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self.held:
            self.loop.call_soon(self.flush)
        self.held.append(data)

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        for data in list_of_data:
            self.write(data)

    def flush(self) -> None:
        """Send what is held now (a closed connection drops it, as the transport itself would)."""
        if self.held:
            data = b"".join(self.held)
            self.held.clear()
            if not self.transport.is_closing():
                self.transport.write(data)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def abort(self) -> None:
        self.held.clear()
        self.transport.abort()

    def can_write_eof(self) -> bool:
        return self.transport.can_write_eof()

    def write_eof(self) -> None:
        self.flush()
        self.transport.write_eof()

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self.transport.pause_reading()

    def resume_reading(self) -> None:
        self.transport.resume_reading()

    def is_reading(self) -> bool:
        return self.transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.transport.get_protocol()

    def get_write_buffer_size(self) -> int:
        return self.transport.get_write_buffer_size() + sum(map(len, self.held))

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self.transport.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.transport.set_write_buffer_limits(high, low)


class HeadTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's protocol, closing a connection whose request head is not complete ``head_timeout`` seconds after
    it began (the first head's time runs from when the connection opened).

    A request only notes when its head began and when it completed: the connection's one timer is armed when a head
    begins and none is pending, and when it fires early (the head it was armed for completed, a later one began) it
    is armed again for what is left of the current head's time, or not at all between requests. A timer per request
    (armed, then cancelled once the head is read) cost about 2 % of a request on the hot path.
    """

    def __init__(self, config: Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._head_timeout: float = getattr(config, _ATTRIBUTE, DEFAULT_HEAD_TIMEOUT_S)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._head_began: float | None = None  # loop time the current head began; None between heads
        self._lane: Lane | None = getattr(config, _LANE, None)
        self._completing = False  # within on_response_complete, which starts the next pipelined request
        self._head: tuple[object, bytes] = (None, b"")  # uvicorn's default headers, and the status line with them

    lane_failure_logged = False  # for the whole process: the lane's first failure is logged, not the others

    def on_response_complete(self) -> None:
        self._completing = True
        try:
            super().on_response_complete()
        finally:
            self._completing = False

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        """Start the app on a request whose head is read, unless the lane answers it at once.

        Not a 503 beyond the concurrency limit, nor while writing is paused (the app waits for the client), nor a
        request queued behind one the app answers (``_completing``): it would be answered, and logged, before the
        app has finished with the one before it."""
        lane = self._lane
        if lane is not None and app is self.app and not self.flow.write_paused and not self._completing:
            try:
                answer = lane(cycle.scope)  # type: ignore[arg-type]  # an HTTPScope is a Scope
            except Exception:  # a defect of the lane: the app answers, as it would without one
                answer = None
                self._lane_failed(cycle.scope)  # type: ignore[arg-type]  # an HTTPScope is a Scope
            if answer is not None:
                self._write_answer(cycle, *answer)
                return
        super()._start_asgi_task(cycle, app)

    def _lane_failed(self, scope: Scope) -> None:
        """Log the lane's first failure in this process, with its traceback (a defect would otherwise show only as
        lost speed; logged once, so that it cannot write a traceback per request)."""
        if not HeadTimeoutProtocol.lane_failure_logged:
            HeadTimeoutProtocol.lane_failure_logged = True
            self.logger.exception(
                "The fast lane failed on %s %s (the app answers it, as every request the lane fails on; "
                "later failures are not logged)",
                scope["method"],
                scope["path"],
            )

    def _write_answer(self, cycle: RequestResponseCycle, headers: bytes, body: bytes) -> None:
        """What ``cycle.send`` writes for a 200 answer of these header lines and body, at once, and its completion."""
        defaults = self.server_state.default_headers  # a new list when uvicorn dates them again (every second)
        if defaults is not self._head[0]:
            self._head = defaults, _OK + b"".join(b"%s: %s\r\n" % pair for pair in defaults)
        end = b"\r\n" if cycle.keep_alive else b"connection: close\r\n\r\n"
        # Held to the end of the loop's turn as every answer is: sent at once here (inside the read of the request),
        # the stream measured 10,700 req/s instead of 15,400 (the answers of one turn no longer go out together).
        self.transport.write(b"".join((self._head[1], headers, end, body)))
        cycle.response_started = cycle.response_complete = True
        if not cycle.keep_alive:
            self.transport.close()
        cycle.on_response()

    def _begin_head(self) -> None:
        self._head_began = self.loop.time()
        if self._head_deadline is None:
            self._head_deadline = self.loop.call_later(self._head_timeout, self._head_expired)

    def _head_expired(self) -> None:
        self._head_deadline = None
        if self._head_began is None or self.transport.is_closing():
            return
        left = self._head_began + self._head_timeout - self.loop.time()
        if left > 0:
            self._head_deadline = self.loop.call_later(left, self._head_expired)
        else:
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(BatchedWrites(transport, self.loop))
        self._begin_head()  # a connection that sends nothing is held to the same deadline

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_began is None:  # else the first head, whose time runs from when the connection opened
            self._begin_head()

    def on_headers_complete(self) -> None:
        self._head_began = None
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_began = None
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None
        super().connection_lost(exc)
