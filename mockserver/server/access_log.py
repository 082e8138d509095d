"""One line per request on stderr, in uvicorn's access-log format, without the logging module's cost.

uvicorn's own access log goes through ``logging`` (a record, a formatter, a handler) for every request; this
outermost stage writes the same line directly (what that saves: ``bench/RESULTS.md``). When the request journal
is on, its stage writes the line instead (``access_line``), so that one stage does both.

Lines are written at the end of the event loop's turn (``Lines``): one write for all the requests answered in that
turn instead of one system call per line, and no later than that, so a line still appears as its request is
answered.
"""

from __future__ import annotations

import asyncio
import sys
from typing import ClassVar, TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.server.fence import Fence

__all__ = ["AccessLog", "Lines", "access_line"]


def access_line(scope: Scope, status: int) -> str:
    """``INFO:     127.0.0.1:5000 - "GET /events?… HTTP/1.1" 200`` and a newline."""
    client = scope.get("client")
    peer = f"{client[0]}:{client[1]}" if client else "-"
    query = scope.get("query_string", b"")
    target = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
    if query:
        target += "?" + query.decode("latin-1")
    return f'INFO:     {peer} - "{scope["method"]} {target} HTTP/{scope.get("http_version", "1.1")}" {status}\n'


class Lines:
    """Log lines kept until the running event loop's turn ends, then written to ``stream`` at once (in the order
    given). Outside an event loop a line is written at once. Without a ``stream``, the lines go to ``sys.stderr`` as
    it is when they are written (a redirection of stderr takes them too)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.pending: list[str] = []
        self.stream = stream

    def _out(self) -> TextIO:
        return sys.stderr if self.stream is None else self.stream

    def write(self, line: str) -> None:
        if not self.pending:
            try:
                asyncio.get_running_loop().call_soon(self.flush)
            except RuntimeError:  # no loop running: nothing would flush later
                self._out().write(line)
                return
        self.pending.append(line)

    def flush(self) -> None:
        if self.pending:
            text = "".join(self.pending)
            self.pending.clear()
            self._out().write(text)


class AccessLog:
    """The access log alone (the journal off): the line is written when the response starts."""

    fence: ClassVar[Fence] = Fence()  # the lane writes the same line (``access_line``)

    def __init__(self, next_app: ASGIApp, lines: Lines | None = None) -> None:
        self.next_app = next_app
        self.lines = lines or Lines()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.next_app(scope, receive, send)
            return

        write = self.lines.write

        async def logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                write(access_line(scope, message["status"]))
            await send(message)

        await self.next_app(scope, receive, logged)
