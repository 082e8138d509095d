"""The journal's ring: the latest entries kept within a count and a byte budget, read back newest first.

Selection, lookup by id and clearing are the ring's; so is an entry's response body, which is never kept but worked
out again on reading (``Replay``): the data is deterministic, so the same request gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from time import perf_counter
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.types import Scope

from mockserver.server.journal.entry import (
    SECRET_HEADERS,
    SESSION_VARIABLE,
    VALUE_CAP,
    VARIABLES,
    Entry,
    Served,
    Shown,
    Understand,
    as_text,
)

__all__ = ["DEFAULT_BYTES", "DEFAULT_CAPACITY", "Journal", "Replay"]

DEFAULT_CAPACITY = 1000
DEFAULT_BYTES = 16 * 1024 * 1024  # what all the entries kept may weigh together (``--journal-bytes``)
_ENTRY_BYTES = 256  # an entry's own fields (numbers, names), counted with its values
# (API, query string, preferences applied, served) -> the body the request was answered with, worked out again on
# reading (the data is deterministic), or None when it cannot be (a refusal: its detail is the explanation's)
Replay = Callable[[str, bytes, tuple[str, ...], bool], bytes | None]


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
        self._shown = Shown(SECRET_HEADERS | secrets)
        self._variables = {**VARIABLES, **dict.fromkeys(secrets, SESSION_VARIABLE)}

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
            return as_text(body)

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
