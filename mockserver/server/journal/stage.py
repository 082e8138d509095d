"""The journal's ASGI stage: it records each request to the APIs in the journal, and writes the access log's line.

The stage sits outermost and records every request except the mock's own routes (``/__mock/``, ``/healthz``, the
docs): the answers of the APIs, the 404s of requests that found no route, and CORS preflights. The request stage
writes its explanation into the entry it finds in the request's scope (``EXTENSION``); a refusal's detail is read
back from the problem the client received, so both always agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from time import perf_counter
from typing import ClassVar

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.server.access_log import AccessLog, Lines, access_line
from mockserver.server.fence import Fence
from mockserver.server.journal.entry import EXTENSION, Entry, cut_text
from mockserver.server.journal.ring import Journal

__all__ = ["JournalStage", "did_you_mean"]

_MAX_BODY_READ = 64 * 1024  # of a problem body, to read its detail back
_PROBLEM = "application/problem+json"


def _problem_detail(body: bytes) -> str:
    try:
        found = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ""
    detail = found.get("detail") if isinstance(found, dict) else None
    return detail if isinstance(detail, str) else ""


class JournalStage:
    """The ASGI stage that records requests (``app.add_middleware(JournalStage, journal=..., ...)``).

    With ``log`` it also writes the access log's line of every request there, so that the journal and the log cost
    one stage, not two.
    """

    fence: ClassVar[Fence] = Fence()  # the lane records a plain request through the same journal and log

    def __init__(
        self,
        next_app: ASGIApp,
        *,
        journal: Journal,
        owners: Mapping[str, str],
        skipped: Callable[[str], bool],
        log: Lines | None = None,
    ) -> None:
        self.next_app = next_app
        self.journal = journal
        # each API operation's full path -> (its API, the path as entries keep it: one string for all of them)
        self.owned = {path: (api, path) for path, api in owners.items()}
        self.skipped = skipped
        self.paths = tuple(owners)  # to suggest one for a request that found none
        self.log = log
        self.logged: ASGIApp = AccessLog(next_app, log) if log is not None else next_app  # for the requests it skips

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.next_app(scope, receive, send)
            return
        path = scope["path"]
        api, path = self.owned.get(path) or (None, path)
        if api is None and self.skipped(path):
            await self.logged(scope, receive, send)
            return
        scope[EXTENSION] = entry = self.journal.open(scope, path, api)
        if api is not None and scope["method"] == "GET":
            # The request stage (or chaos) answers it, and writes the status and the explanation into the entry
            # itself: no wrapper around send on the hot path, and the log line is written once the answer is sent.
            try:
                await self.next_app(scope, receive, send)
            except BaseException:
                entry.status = entry.status or 500
                raise
            finally:
                entry.duration_ms = (perf_counter() - entry.started) * 1000
                if entry.status and self.log is not None:
                    self.log.write(access_line(scope, entry.status))
                entry.status = entry.status or 499  # the connection dropped before an answer
                entry.answering = False
            return
        if scope["method"] == "OPTIONS" and any(n == b"access-control-request-method" for n, _ in scope["headers"]):
            entry.explain("served", "a CORS preflight")
        problem: list[bytes] = []
        log = self.log

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = status = message["status"]
                if log is not None:
                    log.write(access_line(scope, status))
                if status >= 400 and _header(message.get("headers", ()), b"content-type").startswith(_PROBLEM):
                    problem.append(b"")
            elif problem and message["type"] == "http.response.body" and len(problem[0]) < _MAX_BODY_READ:
                problem[0] += message.get("body", b"")
            await send(message)

        try:
            await self.next_app(scope, receive, recording_send)
        finally:
            entry.duration_ms = (perf_counter() - entry.started) * 1000
            if entry.kind != "served":
                self._finish(entry, problem)
            entry.answering = False

    def _finish(self, entry: Entry, problem: list[bytes]) -> None:
        if problem and entry.kind == "refused":
            entry.detail = cut_text(_problem_detail(problem[0])) or entry.detail
        if entry.kind == "no-route":
            entry.detail = cut_text(self._no_route(entry))
        if not entry.status:  # the connection dropped before an answer started
            entry.status = 499

    def _no_route(self, entry: Entry) -> str:
        if entry.status == 405:
            return f"{entry.path} is an API operation, but not for {entry.method}"
        if entry.status != 404:
            return f"answered {entry.status} outside the APIs"
        return f"no API operation at {entry.method} {entry.path}{did_you_mean(entry.path, self.paths)}"


def did_you_mean(path: str, operations: Iterable[str]) -> str:
    """For a path that found no route: the API operation it was likely meant for (a base path missing or extra),
    as the end of a sentence, or ""."""
    near = [p for p in operations if p.endswith(path) or path.endswith(p)]
    return f"; did you mean {near[0]} (the API's base path)?" if near else ""


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str:
    return next((v.decode("latin-1").lower() for n, v in headers if n.lower() == name), "")
