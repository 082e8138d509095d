"""A journal entry: one request as recorded, and how it is shown (its JSON, its curl command, its headers).

Recording is on the hot path of every request, so an entry is small: a handful of objects, the headers shared
between entries (``Shown``), nothing rendered; ``to_json`` renders it when someone reads it. The query a served page
was answered for is worked out again from the recorded query string then (``Understand``): the same rules give the
same query. Credentials (however written: ``_hidden``) and the session token are kept only as fingerprints, and the
curl command names them as the shell variables ``MOCKSERVER_TOKEN`` and ``MOCKSERVER_SESSION_TOKEN``, never their
values.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from time import perf_counter
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import Scope

from mockserver.core.credentials import CredentialsError, bearer_token, fingerprint
from mockserver.core.curl import curl_command
from mockserver.core.query import Query

__all__ = [
    "EXTENSION",
    "SECRET_HEADERS",
    "SESSION_VARIABLE",
    "VALUE_CAP",
    "VARIABLES",
    "Entry",
    "Headers",
    "Served",
    "Shown",
    "Understand",
    "as_text",
    "cut_text",
    "monotonic_of",
    "wall_clock",
]

VALUE_CAP = 2048  # bytes kept of one header value, the path, the query string, an explanation: the rest is cut
_CACHED_LIST = 4 * VALUE_CAP  # header lists heavier than this (raw) are never cached
EXTENSION = "mockserver.journal"  # the scope key where the request stage and chaos find the entry being recorded
SECRET_HEADERS = frozenset({b"authorization", b"proxy-authorization", b"cookie"})  # and the specs' session headers
# The shell variable a curl command names for each secret header's value (a spec's session header: SESSION_VARIABLE).
VARIABLES = {
    b"authorization": "MOCKSERVER_TOKEN",
    b"proxy-authorization": "MOCKSERVER_PROXY_TOKEN",
    b"cookie": "MOCKSERVER_COOKIE",
}
SESSION_VARIABLE = "MOCKSERVER_SESSION_TOKEN"
_SCHEMES = frozenset({b"authorization", b"proxy-authorization"})  # a value "<scheme> <secret>"
_NOT_REPLAYED = frozenset({b"content-length", b"transfer-encoding", b"connection"})  # curl writes these
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})
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


def cut_text(value: str) -> str:
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
        self.path = path if len(path) <= VALUE_CAP else cut_text(path)
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
        self.kind, self.detail, self.rule = kind, cut_text(detail), rule

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
        host = next((as_text(v) for n, v in self.headers if n == b"host"), None)
        authority = self._authority(host)
        target = self.raw_path + (b"?" + self.query_string if self.query_string else b"")
        headers: list[tuple[str, str]] = []
        secrets: dict[str, str] = {}
        for name, value in self.headers:
            if name in _NOT_REPLAYED or (name == b"host" and authority == host):
                continue
            text = as_text(value)
            variable = variables.get(name)
            if variable is not None:
                _, space, secret = text.partition(" ")
                secrets[secret if space and name in _SCHEMES else text] = variable
            headers.append((as_text(name), text))
        return curl_command(self.method, f"{self.scheme}://{authority}{as_text(target)}", headers, secrets=secrets)

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

    def to_json(self, understand: Understand, variables: Mapping[bytes, str] = VARIABLES) -> dict[str, Any]:
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


def as_text(raw: bytes) -> str:
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


class Shown:
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
