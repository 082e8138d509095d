"""The request journal: a bounded ring of the latest requests to the APIs, each with why the mock answered so.

The journal stage sits outermost (inside the access log) and records every request except the mock's own routes
(``/__mock/``, ``/healthz``, the docs): the answers of the APIs, the 404s of requests that found no route, and
CORS preflights. The request stage writes its explanation into the entry it finds in the request's scope
(``EXTENSION``); a refusal's detail is read back from the problem the client received, so both always agree.
Credentials and the session token are kept only as fingerprints.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from time import perf_counter
from typing import Any, TextIO
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.core.query import Query
from mockserver.server.access_log import AccessLog, access_line

__all__ = ["DEFAULT_CAPACITY", "EXTENSION", "Entry", "Journal", "JournalStage", "Served", "fingerprint"]

DEFAULT_CAPACITY = 1000
EXTENSION = "mockserver.journal"  # where the request stage finds the entry being recorded
_SECRET_HEADERS = frozenset({b"authorization", b"proxy-authorization", b"cookie"})  # and the specs' session headers
_MAX_BODY_READ = 64 * 1024  # of a problem body, to read its detail back
_PROBLEM = "application/problem+json"
_HEADER_CACHE = 4096  # distinct headers remembered before the cache starts afresh


def fingerprint(secret: str) -> str:
    """A short, stable, one-way name for a credential: enough to tell two apart, useless to replay."""
    return "sha256:" + hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def _hidden(name: bytes, value: bytes) -> bytes:
    text = value.decode("latin-1")
    if name == b"authorization":
        kind, _, token = text.partition(" ")
        return (f"{kind} {fingerprint(token.strip())}" if token.strip() else kind).encode("latin-1")
    return fingerprint(text).encode()


class Entry:
    """One request and its answer, recorded cheaply and rendered as JSON only when someone reads it.

    Only what the answer needs is taken at request time: the raw query string, the headers with every secret
    already replaced by its fingerprint, the clock, and for a served page the query and a few counts.
    """

    __slots__ = (
        "_query",
        "_raw_headers",
        "_when",
        "api",
        "applied",
        "detail",
        "duration_ms",
        "id",
        "kind",
        "method",
        "path",
        "query_string",
        "rule",
        "served",
        "status",
    )

    def __init__(self, entry_id: int, scope: Scope, headers: list[tuple[bytes, bytes]], api: str | None) -> None:
        self.id = entry_id
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query_string: bytes = scope.get("query_string", b"")
        self._raw_headers = headers
        self._when = time.time()
        self._query: dict[str, list[str]] | None = None
        self.api = api
        self.status = 0
        self.duration_ms = 0.0
        self.applied: tuple[str, ...] = ()
        self.kind = "no-route"
        self.rule: str | None = None
        self.detail = ""
        self.served: Served | None = None

    def explain(self, kind: str, detail: str = "", rule: str | None = None) -> None:
        self.kind, self.detail, self.rule = kind, detail, rule

    @property
    def query(self) -> dict[str, list[str]]:
        if self._query is None:
            found: dict[str, list[str]] = {}
            for name, value in parse_qsl(self.query_string.decode("latin-1"), keep_blank_values=True):
                found.setdefault(name, []).append(value)
            self._query = found
        return self._query

    @property
    def headers(self) -> dict[str, str]:
        shown: dict[str, str] = {}
        for raw_name, raw_value in self._raw_headers:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            shown[name] = f"{shown[name]}, {value}" if name in shown else value
        return shown

    @property
    def time(self) -> str:
        return datetime.fromtimestamp(self._when, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def to_json(self) -> dict[str, Any]:
        served = self.served
        return {
            "id": self.id,
            "time": self.time,
            "api": self.api,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "status": self.status,
            "durationMs": round(self.duration_ms, 3),
            "applied": list(self.applied),
            "explanation": {
                "kind": self.kind,
                "rule": self.rule,
                "detail": _served_detail(served) if served is not None else self.detail,
                "query": _understood(served) if served is not None else None,
                "matches": served[1] if served is not None else None,
                "page": served[2] if served is not None else None,
            },
        }

    def matches_filters(self, api: str | None, status: int | None, since: int | None) -> bool:
        if api is not None and (self.api or "none") != api:
            return False
        if status is not None and self.status != status:
            return False
        return since is None or self.id > since

    def carries(self, query: Mapping[str, str]) -> bool:
        """Whether the request carried every one of these query parameters with that value."""
        return all(value in self.query.get(name, ()) for name, value in query.items())


# What a served page's explanation is made of, as the request stage leaves it (a plain tuple: nothing to run on
# the hot path): the query as understood, the matches, the page and size served, the records shown, the dataset.
Served = tuple[Query, int, int, int, int, str]


def _understood(served: Served) -> dict[str, Any]:
    q, _, page, size, _, _ = served
    return {
        "field": q.order,
        "bounds": [f"{b.field} {b.op} {b.instant.text}" for b in q.bounds],
        "category": q.category,
        "page": page,
        "size": size,
        "findId": q.find_id,
        "empty": q.empty,
    }


def _served_detail(served: Served) -> str:
    q, total, page, size, shown, dataset = served
    inverted = "; the window is inverted, so nothing matches" if q.empty else ""
    named = f" (dataset {dataset})" if dataset else ""
    return f"{total} records match{inverted}{named}; page {page} of size {size} holds {shown}"


class Journal:
    """The latest ``capacity`` entries (0: none kept), ids increasing for the process's lifetime."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, secrets: frozenset[bytes] = frozenset()) -> None:
        self.capacity = capacity
        self._entries: deque[Entry] = deque(maxlen=max(capacity, 1))
        self._next = 1
        self._secrets = _SECRET_HEADERS | secrets  # header names kept only as fingerprints (lower-case bytes)
        # each header seen -> the tuple entries keep (secrets fingerprinted); a cache, not part of the journal
        self._stored: dict[tuple[bytes, bytes], tuple[bytes, bytes]] = {}

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def _shown(self, header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
        """A header as the journal keeps it: one shared tuple per distinct header, secrets as fingerprints."""
        if len(self._stored) >= _HEADER_CACHE:
            self._stored.clear()
        name, value = header
        shown = self._stored[header] = (name, _hidden(name, value)) if name in self._secrets else (name, value)
        return shown

    def open(self, scope: Scope, api: str | None) -> Entry:
        stored, shown = self._stored, self._shown
        # Headers repeat from request to request (host, the token, the content type): an entry keeps the shared
        # tuples, never the request's own bytes, so that a thousand entries stay small.
        headers = [stored.get(h) or shown(h) for h in scope["headers"]]
        entry = Entry(self._next, scope, headers, api)
        self._next += 1
        self._entries.append(entry)
        return entry

    def clear(self) -> None:
        self._entries.clear()

    def get(self, entry_id: int) -> Entry | None:
        return next((e for e in self._entries if e.id == entry_id), None)

    def select(self, api: str | None = None, status: int | None = None, since: int | None = None) -> Iterator[Entry]:
        """Matching entries, newest first (only finished ones: an answer in flight has status 0)."""
        return (e for e in reversed(self._entries) if e.status and e.matches_filters(api, status, since))


def _problem_detail(body: bytes) -> str:
    try:
        found = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ""
    detail = found.get("detail") if isinstance(found, dict) else None
    return detail if isinstance(detail, str) else ""


class JournalStage:
    """The ASGI stage that records requests (``app.add_middleware(JournalStage, journal=..., ...)``).

    With ``log`` it also writes the access log's line of every request, so that the journal and the log cost one
    stage, not two.
    """

    def __init__(
        self,
        next_app: ASGIApp,
        *,
        journal: Journal,
        api_of: Callable[[str], str | None],
        skipped: Callable[[str], bool],
        paths: tuple[str, ...] = (),
        log: bool = False,
    ) -> None:
        self.next_app = next_app
        self.journal = journal
        self.api_of = api_of
        self.skipped = skipped
        self.paths = paths  # every API operation's full path, to suggest one for a request that found none
        self.log: TextIO | None = AccessLog.stream if log else None
        self.logged: ASGIApp = AccessLog(next_app) if log else next_app  # for the requests the journal skips

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.next_app(scope, receive, send)
            return
        path = scope["path"]
        api = self.api_of(path)
        if api is None and self.skipped(path):
            await self.logged(scope, receive, send)
            return
        entry = self.journal.open(scope, api)
        extensions = scope.get("extensions")
        if extensions is None:
            scope["extensions"] = {EXTENSION: entry}
        else:
            extensions[EXTENSION] = entry
        started = perf_counter()
        if api is not None and scope["method"] == "GET":
            # The request stage (or chaos) answers it, and writes the status and the explanation into the entry
            # itself: no wrapper around send on the hot path, and the log line is written once the answer is sent.
            try:
                await self.next_app(scope, receive, send)
            except BaseException:
                entry.status = entry.status or 500
                raise
            finally:
                entry.duration_ms = (perf_counter() - started) * 1000
                if entry.status and self.log is not None:
                    self.log.write(access_line(scope, entry.status))
                entry.status = entry.status or 499  # the connection dropped before an answer
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
            entry.duration_ms = (perf_counter() - started) * 1000
            if entry.kind != "served":
                self._finish(entry, problem)

    def _finish(self, entry: Entry, problem: list[bytes]) -> None:
        if problem and entry.kind == "refused":
            entry.detail = _problem_detail(problem[0]) or entry.detail
        if entry.kind == "no-route":
            entry.detail = self._no_route(entry)
        if not entry.status:  # the connection dropped before an answer started
            entry.status = 499

    def _no_route(self, entry: Entry) -> str:
        if entry.status == 405:
            return f"{entry.path} is an API operation, but not for {entry.method}"
        if entry.status != 404:
            return f"answered {entry.status} outside the APIs"
        near = [p for p in self.paths if p.endswith(entry.path) or entry.path.endswith(p)]
        hint = f"; did you mean {near[0]} (the API's base path)?" if near else ""
        return f"no API operation at {entry.method} {entry.path}{hint}"


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str:
    return next((v.decode("latin-1").lower() for n, v in headers if n.lower() == name), "")
