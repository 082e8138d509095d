"""The HTTP protocol under uvicorn, with a deadline for a request's head and one write per answer.

uvicorn closes an idle keep-alive connection after ``timeout_keep_alive``, but a connection that sends part of a
request head (or nothing at all) and then waits stays open for as long as the client likes: a few thousand of
them hold a worker's memory and its connection slots (slowloris). This protocol closes a connection whose request
head has not fully arrived ``head_timeout`` seconds after the connection opened or the request began.

uvicorn writes an answer's status line and headers as soon as the app starts it, then its body: two writes, so two
``send`` system calls, each pushing a segment through the TCP stack and waking the client. The protocol's transport
(``BatchedWrites``) keeps the writes of one turn of the event loop and sends them together at its end, so an answer
whose body follows its start at once (every answer of the mock) costs one system call (what that saves:
``bench/RESULTS.md``). Closing the connection sends what is held first.

Given a lane (``configure(..., lane)``: ``lane.Lane``), the protocol asks it first, once a request's head is read:
what the lane answers is written as uvicorn's request cycle would write it, with no ASGI task; what it declines
starts the app as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

import httptools
import orjson
from starlette.types import Scope
from uvicorn.config import Config
from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle

__all__ = [
    "DEFAULT_HEAD_TIMEOUT_S",
    "DEFAULT_MAX_CONNECTIONS",
    "BatchedWrites",
    "ConnectionLimits",
    "HeadTimeoutProtocol",
    "Lane",
    "configure",
]

DEFAULT_HEAD_TIMEOUT_S = 20.0
DEFAULT_MAX_CONNECTIONS = 1000  # beyond it, a request is answered 503 (uvicorn's limit_concurrency)
_ATTRIBUTE = "mockserver_limits"  # carried on uvicorn's Config, which worker processes receive pickled
_LANE = "mockserver_lane"
_OK = STATUS_LINE[200]
TARGET_AUTHORITY = "mockserver.authority"  # scope extension: the authority of an absolute-form request target


@dataclass(frozen=True)
class ConnectionLimits:
    """What one connection may make the server hold: time, bytes, queued requests, and its client's share."""

    head_timeout_s: float = DEFAULT_HEAD_TIMEOUT_S  # a request head must arrive within this
    body_timeout_s: float = DEFAULT_HEAD_TIMEOUT_S  # a request body must arrive within this, once its head has
    max_head_bytes: int = 64 * 1024  # request line and headers together (a 16 KB JWT fits): beyond, 431
    max_body_bytes: int = 1024 * 1024  # beyond, 413 (the APIs are GETs; the token endpoint reads a small form)
    max_pipelined: int = 32  # requests read while earlier ones are unanswered or unsent: beyond, no more is read
    max_per_client: int = 256  # open connections from one peer address (0: no cap): beyond, 503
    max_held_output: int = HIGH_WATER_LIMIT  # answers the lane writes to a client that does not read, in bytes


class _BodyRefusedError(Exception):
    """Raised inside the parser's callback once a request is refused (its head or body too large): nothing more is
    parsed."""


class _TooManyPipelinedError(Exception):
    """Raised inside the parser's callback to stop reading a connection that queues requests it does not read."""


def _problem(status: int, title: str, detail: str) -> bytes:
    """A whole HTTP/1.1 answer: an RFC 7807 problem, and the connection closed after it."""
    body = orjson.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    head = STATUS_LINE[status] + b"content-type: application/problem+json\r\nconnection: close\r\n"
    return head + b"content-length: %d\r\n\r\n" % len(body) + body


# A lane: a request's 200 answer, as its header lines after uvicorn's own (``name: value\r\n`` each) and its body,
# or None to leave the request to the app.
Lane = Callable[[Scope], tuple[bytes, bytes] | None]


def configure(config: Config, limits: ConnectionLimits | float, lane: Lane | None = None) -> Config:
    """``config`` serving with this protocol, these limits (or just a head deadline, in seconds) and this lane."""
    config.http = HeadTimeoutProtocol
    setattr(config, _ATTRIBUTE, limits if isinstance(limits, ConnectionLimits) else ConnectionLimits(limits))
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
    is armed again for what is left of the current head's time, or not at all between requests: no timer per request
    (armed, then cancelled once the head is read) on the hot path (what that saves: ``bench/RESULTS.md``).
    """

    def __init__(self, config: Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._limits: ConnectionLimits = getattr(config, _ATTRIBUTE, None) or ConnectionLimits()
        self._head_timeout: float = self._limits.head_timeout_s
        self._head_deadline: asyncio.TimerHandle | None = None
        self._head_bytes = 0  # bytes of the current head read so far (counted per read, a read at most over)
        self._heads = 0  # heads completed on this connection
        self._body_deadline: asyncio.TimerHandle | None = None
        self._body_bytes = 0
        self._refused = False  # answered with a problem and closing: nothing more is read
        self._eof = False  # the client half-closed: answer what it sent, then close
        self._outstanding = 0  # requests read since the connection was last idle
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
        done = self.cycle is not None and self.cycle.response_complete and not self.pipeline
        if done and (self._eof or isinstance(self._stopped, _TooManyPipelinedError)):
            self.transport.close()  # the client sent all it will (or all that was read): what it asked is answered

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        """Start the app on a request whose head is read, unless the lane answers it at once.

        Not a 503 beyond the concurrency limit, nor while writing is paused (the app waits for the client), nor a
        request queued behind one the app answers (``_completing``): it would be answered, and logged, before the
        app has finished with the one before it."""
        lane = self._lane
        if (
            lane is not None
            and app is self.app
            and not self.flow.write_paused
            and not self._completing
            and self.transport.get_write_buffer_size() <= self._limits.max_held_output  # a client that reads
        ):
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
        # Held to the end of the loop's turn as every answer is, not sent at once here (inside the read of the
        # request): the answers of one turn go out together (what that saves: bench/RESULTS.md).
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
        cap = self._limits.max_per_client
        if cap and self.client is not None:
            host = self.client[0]
            peers = (getattr(c, "client", None) for c in self.connections)
            if sum(1 for peer in peers if peer is not None and peer[0] == host) > cap:
                self._refuse(503, "Too many connections", f"{host} has {cap} connections open already")
                return
        self._begin_head()  # a connection that sends nothing is held to the same deadline

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        heads = self._heads
        try:
            super().data_received(data)
        finally:
            if self._heads == heads and self._head_began is not None:  # the whole read was (part of) one head
                self._head_bytes += len(data)
                if self._head_bytes > self._limits.max_head_bytes and not self._refused:
                    self._refuse_head()

    def send_400_response(self, msg: str) -> None:
        if self._refused:  # refused by a callback (a body over the limit), which stopped the parser: answered already
            return
        if isinstance(self._stopped, _TooManyPipelinedError):  # raised by on_headers_complete, reported by the parser
            # Nothing more is read; the requests queued are answered in order, then the connection is closed (a
            # client may send again what was not answered, as after any close).
            self._refused = True
            self.flow.pause_reading()
            return
        super().send_400_response(msg)

    _stopped: Exception | None = None

    def _refuse_head(self) -> None:
        limit = self._limits.max_head_bytes
        self._refuse(431, "Request Header Fields Too Large", f"the request line and headers exceed {limit} bytes")

    def _refuse(self, status: int, title: str, detail: str) -> None:
        """Answer a problem and close, reading nothing more; an answer in progress is cut short."""
        self._refused = True
        self._head_began = None
        if self.flow is not None:
            self.flow.pause_reading()
        if self.cycle is None or self.cycle.response_complete or not self.cycle.response_started:
            self.transport.write(_problem(status, title, detail))
        self._drop()

    def _drop(self) -> None:
        """Close the connection, reading nothing more; an app waiting on the request sees the client gone."""
        self._refused = True
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_began is None:  # else the first head, whose time runs from when the connection opened
            self._begin_head()

    def on_headers_complete(self) -> None:
        self._head_began = None
        self._head_bytes = 0
        self._heads += 1
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self._limits.max_head_bytes:  # a head read whole in one read (a longer one is cut while read)
            self._refuse(
                431,
                "Request Header Fields Too Large",
                f"the request line and headers exceed {self._limits.max_head_bytes} bytes",
            )
            raise _BodyRefusedError  # stop parsing: nothing more is read from this connection
        # Requests read since the connection was last idle (nothing in progress, queued or unsent): the lane's answers
        # still held for the client count as the app's queued requests do, so both stop at the same request.
        idle = (self.cycle is None or self.cycle.response_complete) and not self.pipeline
        self._outstanding = 1 if idle and self.transport.get_write_buffer_size() == 0 else self._outstanding + 1
        if self._outstanding > self._limits.max_pipelined:
            self._stopped = _TooManyPipelinedError()
            raise self._stopped  # the parser stops here and reports an error: send_400_response answers it
        length = self._content_length()
        if length is not None and length > self._limits.max_body_bytes:
            self._refuse(413, "Content Too Large", f"a body of {length} bytes; at most {self._limits.max_body_bytes}")
            raise _BodyRefusedError  # stop parsing: nothing more is read from this connection
        if not self.url.startswith(b"/"):  # an absolute-form target: its authority is the request's (RFC 9112, 3.2.2)
            target = httptools.parse_url(self.url)
            authority, port = target.host or b"", target.port
            extensions = cast(dict[str, Any], self.scope.setdefault("extensions", {}))
            extensions[TARGET_AUTHORITY] = authority.decode("latin-1") + (f":{port}" if port else "")
        super().on_headers_complete()
        if length or self._chunked():
            self._body_bytes = 0
            self._body_deadline = self.loop.call_later(self._limits.body_timeout_s, self._body_expired)

    def _content_length(self) -> int | None:
        for name, value in self.headers:
            if name == b"content-length":
                return int(value) if value.isdigit() else None
        return None

    def _chunked(self) -> bool:
        return any(name == b"transfer-encoding" and b"chunked" in value.lower() for name, value in self.headers)

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        if self._body_bytes > self._limits.max_body_bytes:
            self._refuse(413, "Content Too Large", f"a body over {self._limits.max_body_bytes} bytes")
            raise _BodyRefusedError
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._cancel_body_deadline()
        super().on_message_complete()

    def _cancel_body_deadline(self) -> None:
        if self._body_deadline is not None:
            self._body_deadline.cancel()
            self._body_deadline = None

    def _body_expired(self) -> None:
        """A body that did not arrive in time: the connection is closed (the app, if waiting, sees a disconnect)."""
        self._body_deadline = None
        if not self.transport.is_closing():
            self._drop()

    def eof_received(self) -> bool:  # type: ignore[override]
        """A client that half-closes after its request still gets the answer (as the lane gives it at once)."""
        self._eof = True
        busy = self.cycle is not None and not self.cycle.response_complete
        if not (busy or self.pipeline):
            self.transport.close()  # sends the answers of this turn first (returning False would drop them)
        return True

    def shutdown(self) -> None:
        """On SIGTERM: a connection still sending a head or a body is closed at once; an answer in flight is finished
        (within the server's drain deadline) and its connection closed after it."""
        sending_body = self._body_deadline is not None
        if self._head_began is not None or sending_body:
            self._drop()
            return
        super().shutdown()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_began = None
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None
        self._cancel_body_deadline()
        super().connection_lost(exc)
