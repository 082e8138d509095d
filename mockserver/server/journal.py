"""The request journal: a bounded ring of the latest requests to the APIs, each with why the mock answered so.

The journal stage sits outermost (it writes the access log's line too) and records every request except the mock's
own routes (``/__mock/``, ``/healthz``, the docs): the answers of the APIs, the 404s of requests that found no route,
and CORS preflights. The request stage writes its explanation into the entry it finds in the request's scope
(``EXTENSION``); a refusal's detail is read back from the problem the client received, so both always agree.
Credentials (however written: ``_hidden``) and the session token are kept only as fingerprints. Each entry, when
read, carries the curl command that sends its request again (``core.curl``), with the shell variables
``MOCKSERVER_TOKEN`` and ``MOCKSERVER_SESSION_TOKEN`` where it carried credentials: never their values.

Recording is on the hot path of every request, so an entry is small: a handful of objects, the headers shared
between entries, nothing rendered. The query a served page was answered for is worked out again from the recorded
query string when someone reads the entry (``Understand``): the same rules give the same query.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from time import perf_counter
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.core.credentials import CredentialsError, bearer_token, fingerprint
from mockserver.core.curl import curl_command
from mockserver.core.query import Query
from mockserver.server.access_log import AccessLog, Lines, access_line
from mockserver.server.fence import Fence

__all__ = [
    "DEFAULT_BYTES",
    "DEFAULT_CAPACITY",
    "EXTENSION",
    "SESSION_VARIABLE",
    "VALUE_CAP",
    "Entry",
    "Journal",
    "JournalStage",
    "Replay",
    "Served",
    "Understand",
    "did_you_mean",
    "fingerprint",
    "monotonic_of",
    "wall_clock",
]

DEFAULT_CAPACITY = 1000
DEFAULT_BYTES = 16 * 1024 * 1024  # what all the entries kept may weigh together (``--journal-bytes``)
VALUE_CAP = 2048  # bytes kept of one header value, the path, the query string, an explanation: the rest is cut
_ENTRY_BYTES = 256  # an entry's own fields (numbers, names), counted with its values
_CACHED_LIST = 4 * VALUE_CAP  # header lists heavier than this (raw) are never cached
EXTENSION = "mockserver.journal"  # the scope key where the request stage and chaos find the entry being recorded
_SECRET_HEADERS = frozenset({b"authorization", b"proxy-authorization", b"cookie"})  # and the specs' session headers
# The shell variable a curl command names for each secret header's value (a spec's session header: SESSION_VARIABLE).
_VARIABLES = {
    b"authorization": "MOCKSERVER_TOKEN",
    b"proxy-authorization": "MOCKSERVER_PROXY_TOKEN",
    b"cookie": "MOCKSERVER_COOKIE",
}
SESSION_VARIABLE = "MOCKSERVER_SESSION_TOKEN"
_SCHEMES = frozenset({b"authorization", b"proxy-authorization"})  # a value "<scheme> <secret>"
_NOT_REPLAYED = frozenset({b"content-length", b"transfer-encoding", b"connection"})  # curl writes these
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})
_MAX_BODY_READ = 64 * 1024  # of a problem body, to read its detail back
_PROBLEM = "application/problem+json"
_HEADER_CACHE = 4096  # distinct headers remembered before the cache starts afresh
# The wall clock at one instant of the monotonic one: an entry keeps only perf_counter() and is dated from this pair.
_EPOCH = (time.time(), perf_counter())

# Who answers: the process that records an entry is the one that renders it (``os.getpid`` again after a fork).
_PROCESS = [os.getpid(), socket.gethostname()]
os.register_at_fork(after_in_child=lambda: _PROCESS.__setitem__(0, os.getpid()))

# The headers as an entry keeps them: secrets fingerprinted, the tuple shared with other entries.
Headers = tuple[tuple[bytes, bytes], ...]
# A served page, as the request stage leaves it: matches, page and size served, records shown, the dataset named.
Served = tuple[int, int, int, int, str]
# (API, query string) -> the query the request stage understood from it, or None (for the explanation, on reading)
Understand = Callable[[str, bytes], Query | None]
# (API, query string, preferences applied, served) -> the body the request was answered with, worked out again on
# reading (the data is deterministic), or None when it cannot be (a refusal: its detail is the explanation's)
Replay = Callable[[str, bytes, tuple[str, ...], bool], bytes | None]


def wall_clock(started: float) -> float:
    """An entry's ``started`` (this process's monotonic clock) as seconds since the epoch."""
    return _EPOCH[0] + (started - _EPOCH[1])


def monotonic_of(wall: float) -> float:
    """The other way: seconds since the epoch as this process's monotonic clock reads them."""
    return wall - _EPOCH[0] + _EPOCH[1]


def _cut(value: bytes) -> bytes:
    """``value``, or its first ``VALUE_CAP`` bytes and a marker saying how many were cut."""
    if len(value) <= VALUE_CAP:
        return value
    return value[:VALUE_CAP] + b"...[truncated %d bytes]" % (len(value) - VALUE_CAP)


def _cut_text(value: str) -> str:
    if len(value) <= VALUE_CAP:
        return value
    return f"{value[:VALUE_CAP]}...[truncated {len(value) - VALUE_CAP} bytes]"


def _hidden(name: bytes, value: bytes) -> bytes:
    """A secret header's value as the journal keeps it: never any of its text, only a fingerprint.

    ``Authorization`` is read by ``bearer_token``, the function that decides what the APIs accept: a bearer token,
    however it is written (any case of the scheme, any whitespace the reader splits on), is kept as ``Bearer`` and the
    token's fingerprint, the same for every spelling, and the same a runtime scenario's ``tokenFingerprint`` names.
    Any other value (a scheme-less token, another scheme) is fingerprinted whole.
    """
    text = value.decode("latin-1")
    if name == b"authorization":
        try:
            return b"Bearer " + fingerprint(bearer_token([text])).encode()
        except CredentialsError:
            pass
    return fingerprint(text).encode()


class Entry:
    """One request and its answer, recorded cheaply and rendered as JSON only when someone reads it.

    Only what the answer needs is taken at request time: the raw query string, the headers with every secret
    already replaced by its fingerprint, the monotonic clock, and for a served page a few counts.
    """

    __slots__ = (
        "answering",
        "api",
        "applied",
        "detail",
        "duration_ms",
        "headers",
        "id",
        "kind",
        "method",
        "path",
        "query_string",
        "raw_path",
        "rule",
        "scheme",
        "seq",
        "served",
        "server",
        "size",
        "started",
        "status",
    )

    id: int
    seq: int  # the entry's place in its process's ring (``id`` when the journal is the process's alone)
    started: float
    method: str
    path: str
    query_string: bytes
    raw_path: bytes  # the path as sent (``path`` is the decoded one)
    scheme: str
    server: tuple[str, int] | None  # the address the request came in at
    headers: Headers  # as the journal keeps them: secrets fingerprinted
    api: str | None
    status: int  # 0 until the answer starts
    duration_ms: float
    applied: tuple[str, ...]
    kind: str
    rule: str | None
    detail: str
    served: Served | None
    answering: bool  # the request is still in the journal's stage: the entry is not to be reused
    size: int  # the bytes the journal counts for this entry (its values, each explanation at its cap)

    def __init__(self) -> None:
        self.id = self.seq = 0  # a slot of the ring no request has used yet
        self.answering = False
        self.size = 0

    def start(
        self,
        entry_id: int,
        seq: int,
        scope: Scope,
        path: str,
        headers: Headers,
        api: str | None,
        started: float,
        served: Served | None = None,
    ) -> None:
        """Record a new request in this entry (new, or reused from the ring), being answered; or, with ``served``,
        one already answered 200 with that page."""
        self.id, self.seq = entry_id, seq
        self.started = started
        self.method = scope["method"]
        self.path = path if len(path) <= VALUE_CAP else _cut_text(path)
        query_string = scope.get("query_string", b"")
        self.query_string = query_string if len(query_string) <= VALUE_CAP else _cut(query_string)
        raw_path = scope.get("raw_path") or path.encode()
        self.raw_path = raw_path if len(raw_path) <= VALUE_CAP else _cut(raw_path)
        self.scheme = scope.get("scheme", "http")
        self.server = scope.get("server")
        self.headers = headers
        self.api = api
        self.applied = ()
        self.rule = None
        self.detail = ""
        self.served = served
        if served is None:
            self.status, self.kind, self.answering, self.duration_ms = 0, "no-route", True, 0.0
        else:
            self.status, self.kind, self.answering = 200, "served", False
            self.duration_ms = (perf_counter() - started) * 1000

    def serve(self, served: Served) -> None:
        """The request was answered 200 with a page of the data."""
        self.kind, self.status, self.served = "served", 200, served

    def explain(self, kind: str, detail: str = "", rule: str | None = None) -> None:
        self.kind, self.detail, self.rule = kind, _cut_text(detail), rule

    def drop(self) -> None:
        """Let go of the entry's values (it left the journal)."""
        self.headers, self.query_string, self.detail, self.size = (), b"", "", 0

    def query(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for name, value in parse_qsl(self.query_string.decode("latin-1"), keep_blank_values=True):
            found.setdefault(name, []).append(value)
        return found

    def shown_headers(self) -> dict[str, str]:
        shown: dict[str, str] = {}
        for raw_name, raw_value in self.headers:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            shown[name] = f"{shown[name]}, {value}" if name in shown else value
        return shown

    def time(self) -> str:
        when = wall_clock(self.started)
        return datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def curl(self, variables: Mapping[bytes, str]) -> str:
        """The curl command that sends this request again (method, URL and headers as sent, but the body, which the
        journal does not keep), each secret header's value as the shell variable ``variables`` names for it."""
        host = next((_text(v) for n, v in self.headers if n == b"host"), None)
        authority = self._authority(host)
        target = self.raw_path + (b"?" + self.query_string if self.query_string else b"")
        headers: list[tuple[str, str]] = []
        secrets: dict[str, str] = {}
        for name, value in self.headers:
            if name in _NOT_REPLAYED or (name == b"host" and authority == host):
                continue
            text = _text(value)
            variable = variables.get(name)
            if variable is not None:
                _, space, secret = text.partition(" ")
                secrets[secret if space and name in _SCHEMES else text] = variable
            headers.append((_text(name), text))
        return curl_command(self.method, f"{self.scheme}://{authority}{_text(target)}", headers, secrets=secrets)

    def _authority(self, host: str | None) -> str:
        """Where the command sends the request: the address it came in at, named as its ``Host`` named it when that
        is loopback at the same port; any other ``Host`` is sent as a header, never followed (a request's ``Host``
        is the client's to choose: a command that followed it could carry the pasted token elsewhere)."""
        if self.server is None:
            return host or "localhost"
        address, port = self.server
        default = 443 if self.scheme in ("https", "wss") else 80
        name = f"[{address}]" if ":" in address else address
        own = name if port == default else f"{name}:{port}"
        if host is not None:
            given, port_text = host, ""
            if ":" in host.rsplit("]", 1)[-1]:
                given, _, port_text = host.rpartition(":")
            digits = port_text.isascii() and port_text.isdigit()
            given_port = int(port_text) if digits else None if port_text else default
            if given.lower() in _LOOPBACK and given_port == port:
                return host
        return own

    def to_json(self, understand: Understand, variables: Mapping[bytes, str] = _VARIABLES) -> dict[str, Any]:
        served = self.served
        understood = understand(self.api, self.query_string) if served is not None and self.api else None
        return {
            "id": self.id,
            "time": self.time(),
            "pid": _PROCESS[0],
            "host": _PROCESS[1],
            "api": self.api,
            "method": self.method,
            "path": self.path,
            "query": self.query(),
            "headers": self.shown_headers(),
            "status": self.status,
            "durationMs": round(self.duration_ms, 3),
            "applied": list(self.applied),
            "explanation": {
                "kind": self.kind,
                "rule": self.rule,
                "detail": _served_detail(served, understood) if served is not None else self.detail,
                "query": _understood(served, understood) if served is not None and understood is not None else None,
                "matches": served[0] if served is not None else None,
                "page": served[1] if served is not None else None,
            },
            "curl": self.curl(variables),
        }

    def matches_filters(self, api: str | None, status: int | None, since: int | None) -> bool:
        if api is not None and (self.api or "none") != api:
            return False
        if status is not None and self.status != status:
            return False
        return since is None or self.id > since

    def carries(self, query: Mapping[str, str]) -> bool:
        """Whether the request carried every one of these query parameters with that value."""
        given = self.query()
        return all(value in given.get(name, ()) for name, value in query.items())


def _text(raw: bytes) -> str:
    """Bytes as a terminal shows them: UTF-8 when they are (pasted, they are those bytes again), else Latin-1."""
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _understood(served: Served, q: Query) -> dict[str, Any]:
    _, page, size, _, _ = served
    return {
        "field": q.order,
        "bounds": [f"{b.field} {b.op} {b.instant.text}" for b in q.bounds],
        "category": q.category,
        "page": page,
        "size": size,
        "findId": q.find_id,
        "empty": q.empty,
    }


def _served_detail(served: Served, q: Query | None) -> str:
    total, page, size, shown, dataset = served
    inverted = "; the window is inverted, so nothing matches" if q is not None and q.empty else ""
    named = f" (dataset {dataset})" if dataset else ""
    return f"{total} records match{inverted}{named}; page {page} of size {size} holds {shown}"


class _Shown:
    """A request's headers -> the tuple an entry keeps for them (secrets fingerprinted), one tuple shared by every
    request that sent the very same headers; a cache, not the journal.

    A client sends the same headers request after request (host, its token, its user agent), so most requests cost
    one lookup of their whole header list, not one per header.
    """

    def __init__(self, secrets: frozenset[bytes]) -> None:
        self.secrets = secrets
        self.lists: dict[Headers, tuple[Headers, int]] = {}  # -> the shown tuple and its bytes
        self.headers: dict[tuple[bytes, bytes], tuple[bytes, bytes]] = {}  # each header -> its shown tuple

    def of(self, headers: list[tuple[bytes, bytes]]) -> tuple[Headers, int]:
        """The shown tuple of these headers, and the bytes it holds."""
        key = tuple(headers)
        shown = self.lists.get(key)
        return self._miss(key) if shown is None else shown

    def _miss(self, key: Headers) -> tuple[Headers, int]:
        if len(self.lists) >= _HEADER_CACHE:
            self.lists.clear()
        if len(self.headers) >= _HEADER_CACHE:
            self.headers.clear()
        headers = tuple(map(self._header, key))
        shown = headers, sum(len(name) + len(value) for name, value in headers)
        if sum(len(name) + len(value) for name, value in key) <= _CACHED_LIST:  # the cache holds small lists only
            self.lists[key] = shown
        return shown

    def _header(self, header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
        shown = self.headers.get(header)
        if shown is None:
            name, value = header
            if name in self.secrets:
                shown = (name, _hidden(name, value))
            elif len(value) > VALUE_CAP or len(name) > VALUE_CAP:
                return _cut(name), _cut(value)  # never cached
            else:
                shown = header
            if len(value) <= VALUE_CAP:
                self.headers[header] = shown
        return shown


class Journal:
    """The latest ``capacity`` entries (0: none kept) that weigh ``max_bytes`` at most together, ids increasing for
    the process's lifetime (or across the processes that share ``ids``; see ``server.state``).

    The entries are a ring: the entry of seq ``i`` sits at ``(i - 1) % capacity``, and once the ring is full a new
    request reuses the oldest entry's object (no allocation, nothing left for the garbage collector), unless that
    request is still being answered: then it keeps its entry, and the ring takes a new one.

    Each value an entry keeps (a header's, the path, the query string, the explanation) is cut at ``VALUE_CAP``
    bytes with a marker saying how many were cut; an entry weighs its values (each explanation counted at its cap)
    and ``_ENTRY_BYTES``; past ``max_bytes`` the oldest entries leave first (the newest always stays).
    """

    def __init__(
        self,
        capacity: int = DEFAULT_CAPACITY,
        secrets: frozenset[bytes] = frozenset(),
        understand: Understand = lambda api, query_string: None,
        max_bytes: int = DEFAULT_BYTES,
        replay: Replay = lambda api, query_string, applied, served: None,
        ids: Callable[[], int] | None = None,
    ) -> None:
        self.capacity = capacity
        self.ids = ids  # the next id, when ids are shared with other processes (else each entry's ``seq``)
        # Where each new entry goes instead of the ring, when a store outside the process keeps the journal (the store
        # takes it once it is answered, and gives it its id).
        self.ship: Callable[[Entry], None] | None = None
        self.max_bytes = max_bytes
        self.bytes = 0  # what the entries kept weigh
        self.understand = understand
        self.replay = replay
        self._ring = [Entry() for _ in range(capacity)]  # every slot made at once: a request only reuses one
        self._last = 0  # the last seq given
        self._first = 1  # the first seq kept (cleared before it)
        # Headers repeat from request to request (host, the token, the content type): an entry keeps a shared
        # tuple, never the request's own bytes. Secret header names are lower-case bytes.
        self._shown = _Shown(_SECRET_HEADERS | secrets)
        self._variables = {**_VARIABLES, **dict.fromkeys(secrets, SESSION_VARIABLE)}

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def open(self, scope: Scope, path: str, api: str | None) -> Entry:
        """A new entry for a request that is being answered (``answering`` until its stage says it is not)."""
        entry = self._next()
        headers, weight = self._shown.of(scope["headers"])
        entry.start(self._id(), self._last, scope, path, headers, api, perf_counter())
        self._weigh(entry, weight)
        return entry

    def served(self, scope: Scope, path: str, api: str | None, started: float, served: Served) -> None:
        """Record a request already answered 200 with a page (the fast lane's), ``started`` at that clock reading:
        ``open`` and ``Entry.serve`` in one call, each of the entry's fields written once."""
        entry = self._next()
        headers, weight = self._shown.of(scope["headers"])
        entry.start(self._id(), self._last, scope, path, headers, api, started, served)
        self._weigh(entry, weight)

    def _id(self) -> int:
        return self._last if self.ids is None else self.ids()

    def _next(self) -> Entry:
        """The entry for the next seq: the ring's slot for it, unless the request there is still being answered."""
        self._last = seq = self._last + 1
        if self.ship is not None:
            entry = Entry()
            entry.answering = True  # not taken before it is answered (``start`` says when)
            self.ship(entry)
            return entry
        if not self.capacity:
            return Entry()  # kept by nobody
        slot = (seq - 1) % self.capacity
        entry = self._ring[slot]
        if entry.seq >= self._first:  # it leaves the journal now
            self.bytes -= entry.size
        if entry.answering:
            entry = self._ring[slot] = Entry()
        return entry

    def _weigh(self, entry: Entry, headers: int) -> None:
        if not self.capacity or self.ship is not None:
            return
        # Each value is shown twice when read: in its field and in the entry's curl command.
        entry.size = _ENTRY_BYTES + VALUE_CAP + 2 * (len(entry.path) + len(entry.query_string) + headers)
        self.bytes += entry.size
        while self.bytes > self.max_bytes and self._first < self._last:  # the oldest leave; the newest stays
            oldest = max(self._first, self._last - self.capacity + 1)
            gone = self._ring[(oldest - 1) % self.capacity]
            self._first = oldest + 1
            if gone.seq == oldest:
                self.bytes -= gone.size
                gone.drop()

    def render(self, entry: Entry) -> dict[str, Any]:
        return entry.to_json(self.understand, self._variables)

    def response(self, shown: Mapping[str, Any]) -> str | None:
        """The body a journalled request (as ``render`` shows it, from whichever process answered it) was answered
        with, pretty-printed when it is JSON: never kept, worked out again from the request (the same data gives the
        same bytes), for a served page or a scenario's example."""
        api, kind = shown.get("api"), shown["explanation"]["kind"]
        if api is None or kind not in ("served", "scenario"):
            return None
        query_string = urlencode(shown["query"], doseq=True, encoding="latin-1").encode("latin-1")
        body = self.replay(api, query_string, tuple(shown["applied"]), kind == "served")
        if body is None:
            return None
        try:
            return orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONDecodeError:
            return _text(body)

    def clear(self) -> None:
        self._first = self._last + 1
        self.bytes = 0

    def _at(self, seq: int) -> Entry | None:
        if not self._first <= seq <= self._last or seq <= self._last - self.capacity:
            return None
        entry = self._ring[(seq - 1) % self.capacity]
        return entry if entry.seq == seq else None

    def get(self, entry_id: int) -> Entry | None:
        if self.ids is None:
            return self._at(entry_id)
        return next((e for e in self._kept() if e.id == entry_id), None)

    def _kept(self) -> Iterator[Entry]:
        for seq in range(self._last, max(self._first, self._last - self.capacity + 1) - 1, -1):
            entry = self._at(seq)
            if entry is not None:
                yield entry

    def select(self, api: str | None = None, status: int | None = None, since: int | None = None) -> Iterator[Entry]:
        """Matching entries, newest first (only finished ones: an answer in flight has status 0)."""
        for entry in self._kept():
            if entry.status and entry.matches_filters(api, status, since):
                yield entry


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
            entry.detail = _cut_text(_problem_detail(problem[0])) or entry.detail
        if entry.kind == "no-route":
            entry.detail = _cut_text(self._no_route(entry))
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
