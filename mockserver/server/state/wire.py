"""A journal entry as a store keeps it outside its process: a JSON list of its raw fields, read back into an
``Entry`` that any process renders (all of them serve the same specs, so they understand a query alike)."""

from __future__ import annotations

from typing import Any

import orjson

from mockserver.server.journal import Entry, monotonic_of, wall_clock

__all__ = ["dumped", "loaded"]

_HEADERS = 4096  # header lists remembered as JSON (a client sends the same ones request after request)
_written: dict[int, tuple[object, orjson.Fragment]] = {}  # id of an entry's headers tuple -> it, and its JSON


def _headers(headers: tuple[tuple[bytes, bytes], ...]) -> orjson.Fragment:
    """An entry's headers as JSON, written once per tuple: the journal shares one tuple between the entries of
    requests that sent the same headers (the tuple is kept here too, so that its id is not reused)."""
    found = _written.get(id(headers))
    if found is not None and found[0] is headers:
        return found[1]
    if len(_written) >= _HEADERS:
        _written.clear()
    fragment = orjson.Fragment(orjson.dumps([[n.decode("latin-1"), v.decode("latin-1")] for n, v in headers]))
    _written[id(headers)] = (headers, fragment)
    return fragment


def dumped(entry: Entry, pid: int, host: str) -> bytes:
    """The entry, and the process that answered it (its id is where the store keeps it)."""
    return orjson.dumps(
        [
            pid,
            host,
            wall_clock(entry.started),
            entry.method,
            entry.path,
            entry.query_string.decode("latin-1"),
            entry.raw_path.decode("latin-1"),
            entry.scheme,
            entry.server,
            _headers(entry.headers),
            entry.api,
            entry.status,
            entry.duration_ms,
            entry.applied,
            entry.kind,
            entry.rule,
            entry.detail,
            entry.served,
        ]
    )


def loaded(data: bytes, entry_id: int) -> tuple[Entry, int, str]:
    """The entry of that id, and the pid and host that answered it."""
    fields: list[Any] = orjson.loads(data)
    (pid, host, wall, method, path, query, raw_path, scheme, server, headers, api) = fields[:11]
    status, duration_ms, applied, kind, rule, detail, served = fields[11:]
    entry = Entry()
    entry.id = entry.seq = entry_id
    entry.started = monotonic_of(wall)
    entry.method, entry.path, entry.scheme = method, path, scheme
    entry.query_string, entry.raw_path = query.encode("latin-1"), raw_path.encode("latin-1")
    entry.server = None if server is None else (server[0], server[1])
    entry.headers = tuple((n.encode("latin-1"), v.encode("latin-1")) for n, v in headers)
    entry.api, entry.status, entry.duration_ms, entry.applied = api, status, duration_ms, tuple(applied)
    entry.kind, entry.rule, entry.detail = kind, rule, detail
    entry.served = None if served is None else (served[0], served[1], served[2], served[3], served[4])
    return entry, pid, host
