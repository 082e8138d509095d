"""An immutable, indexed dataset: sorted permutations and per-category positions, ``query(q) -> Page``.

A query's cost does not grow with the data: the window's bounds on the order field are binary searches, a category
is a binary search in that category's positions within the order, and a bound on another field (the interventions'
overlap rule) is checked only on the thin band of records where the spread between the two fields leaves the answer
open (and when that field has an order of its own, the band's matches are counted by one more search, and a page of
them found from the band's nearer end); everything else is a view, and only the page's records are gathered.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from mockserver.core import native
from mockserver.core.draws import PageRenderer
from mockserver.core.query import Page, Query

if native.built("mockserver.core._bands"):
    from mockserver.core._bands import count as band_count
    from mockserver.core._bands import position as search
    from mockserver.core._bands import select as band_select
else:
    from mockserver.core.bands import count as band_count
    from mockserver.core.bands import position as search
    from mockserver.core.bands import select as band_select

__all__ = ["Columns", "PageRenderer", "Store"]

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
Indexes = npt.NDArray[np.signedinteger[Any]]  # record indexes: 32-bit in orders, 64-bit elsewhere
_EMPTY: I64 = np.empty(0, dtype=np.int64)
BACKGROUND_FROM = 100_000  # records from which orders other than the default are built in the background
_OPS = {">=": b">", "<": b"<", "<=": b"="}  # a bound's operator as the band check reads it
_SAMPLE = 16  # an order keeps every 16th sorted value: a search is a binary search there, then within 16 values
# (its values asked for at once, so that their cache misses overlap; why 16, not 64: bench/RESULTS.md)


@dataclass(frozen=True)
class Columns:
    """What queries need of each record, as arrays indexed by record number.

    ``times`` holds whole microseconds since the epoch per time field; ``id_rank`` orders ids (the
    tie-break; its values are distinct, as ids are); ``ids`` holds integer ids where the API looks records up by id
    (``findId``); ``category`` holds codes into ``category_names``.
    """

    count: int
    times: Mapping[str, I64]
    id_rank: I64
    ids: I64 | None = None
    category: npt.NDArray[np.signedinteger[Any]] | None = None
    category_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Order:
    """Record indexes sorted by (a field, id rank), 32-bit; every ``_SAMPLE``-th sorted value; and per category
    code the positions (in ``perm``) of its records, ascending."""

    perm: Indexes
    sample: I64
    by_category: tuple[I32, ...] = ()

    def position(self, values: I64, micros: int, side: str) -> int:
        """Where ``micros`` goes in ``values`` sorted by ``perm`` (``searchsorted``'s answer), reading only the
        sample and one run of ``_SAMPLE`` values (binary searches, through ``perm`` within the run: ``bands``)."""
        return search(values, self.perm, self.sample, _SAMPLE, micros, side == "right")


def _by_id(id_rank: I64) -> I64:
    """Record indexes in id order (ranks are distinct; ranks that number 0..n-1 from any start invert in one pass)."""
    count = len(id_rank)
    low = int(id_rank.min()) if count else 0
    if count and int(id_rank.max()) - low == count - 1:
        order = np.empty(count, dtype=np.int64)
        order[id_rank - low] = np.arange(count, dtype=np.int64)
        return order
    return np.argsort(id_rank, kind="stable").astype(np.int64)


def _sorted_by(values: I64, id_rank: I64, by_id: Callable[[], I64]) -> I64:
    """Record indexes sorted by (``values``, ``id_rank``), as ``np.lexsort((id_rank, values))`` gives them.

    Values on a grid (half hours, milliseconds) are numbered by grid step first. Up to 65,536 steps: a stable radix
    sort of those numbers over the records in id order; else one sort of the combined (step, rank) key when it fits
    in 63 bits (ranks are distinct, so there are no ties); else ``lexsort``.
    """
    if len(values) == 0:
        return _EMPTY
    low = int(values.min())
    shifted = values - low
    step = int(np.gcd.reduce(shifted)) or 1
    steps = int(shifted.max()) // step + 1
    if steps <= 2**16:
        ordered = by_id()
        grid = (shifted[ordered] // step).astype(np.uint16)
        return ordered[np.argsort(grid, kind="stable")]
    rank_low = int(id_rank.min())
    ranks = int(id_rank.max()) - rank_low + 1
    if steps * ranks < 2**62:
        key = shifted // step * ranks + (id_rank - rank_low)
        return np.argsort(key).astype(np.int64)
    return np.lexsort((id_rank, values)).astype(np.int64)


Band = tuple[int, int, tuple[I64, ...], bytes, tuple[int, ...], Indexes, Any, int]  # (start, stop, ...) of a band


class _Part:
    """A run of matches in order: ``base`` itself, ``base[positions]`` (gathered only where a page needs it), or
    the records of ``base`` that pass a band's tests (counted at once, found only as far as a page reads)."""

    __slots__ = ("band", "base", "length", "positions")

    def __init__(
        self,
        base: Indexes,
        positions: npt.NDArray[np.signedinteger[Any]] | None = None,
        band: Band | None = None,
        length: int | None = None,
    ) -> None:
        self.base = base
        self.positions = positions
        self.band = band
        if band is not None:
            self.length = band_count(*band) if length is None else length
        else:
            self.length = len(base if positions is None else positions)

    def take(self, start: int, stop: int) -> Indexes:
        if self.band is not None:
            kept: I64 = np.empty(stop - start, dtype=np.int64)
            return kept[: band_select(kept, start, stop, self.length, *self.band)]
        if self.positions is None:
            return self.base[start:stop]
        taken: Indexes = self.base[self.positions[start:stop]]
        return taken


@dataclass
class Store:
    """Records answer queries through ``columns``; ``render(i)`` builds record ``i``'s JSON when served, and
    ``render_page`` (when given) builds a page's records in one pass, byte for byte the same."""

    columns: Columns
    render: Callable[[int], dict[str, Any]]
    render_page: PageRenderer | None = None
    cache_size: int = 4096
    _orders: dict[str, _Order] = field(default_factory=dict, repr=False)
    _spreads: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict, repr=False)
    _aligned: dict[tuple[str, str], I64] = field(default_factory=dict, repr=False)
    _rendered: dict[int, bytes] = field(default_factory=dict, repr=False)
    _id_order: tuple[I64, I64] | None = field(default=None, repr=False)
    _by_id: I64 | None = field(default=None, repr=False)
    _building: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _builder: threading.Thread | None = field(default=None, repr=False)

    def prepare(self, fields: tuple[str, ...]) -> Store:
        """Sort by each of ``fields`` before queries need them: the first (the default order) now, the others now
        too for small data, else in a background thread (numpy's sorts release the GIL, so the server answers
        meanwhile); a query that needs an order not built yet builds it, or waits while it is being built."""
        if fields:
            self._order(fields[0])
        if len(fields) > 1 and self.columns.count >= BACKGROUND_FROM:
            self._builder = threading.Thread(
                target=self._background, args=(fields[1:],), name="mockserver-orders", daemon=True
            )
            self._builder.start()
        else:
            self._build(fields[1:])
        return self

    def settle(self) -> Store:
        """Wait until every order is built (before a fork: no thread may hold a lock the child inherits)."""
        if self._builder is not None:
            self._builder.join()
        return self

    def _background(self, fields: tuple[str, ...]) -> None:
        """``_build`` at the lowest CPU priority (Linux: a thread has its own nice value): on a shared core the
        server's start-up and its answers come first."""
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        self._build(fields)

    def _build(self, fields: tuple[str, ...]) -> None:
        for name in fields:
            self._order(name)
        with self._building:
            self._by_id = None  # needed only to build orders

    def _order(self, name: str) -> _Order:
        found = self._orders.get(name)
        if found is not None:
            return found
        with self._building:
            if name in self._orders:  # built by another thread while this one waited
                return self._orders[name]
            values = self.columns.times[name]
            perm = _sorted_by(values, self.columns.id_rank, self._records_by_id)
            if self.columns.count < 2**31:
                perm = perm.astype(np.int32)
            by_category: tuple[I32, ...] = ()
            if self.columns.category is not None and len(self.columns.category_names):
                codes = self.columns.category[perm]
                grouped = np.argsort(codes, kind="stable").astype(np.int32)  # positions, by category then order
                ends = np.cumsum(np.bincount(codes, minlength=len(self.columns.category_names)))
                by_category = tuple(np.split(grouped, ends[:-1]))
            self._orders[name] = _Order(perm, values[perm[::_SAMPLE]], by_category)
        return self._orders[name]

    def _records_by_id(self) -> I64:
        if self._by_id is None:
            self._by_id = _by_id(self.columns.id_rank)
        return self._by_id

    def _spread(self, order: str, other: str) -> tuple[int, int]:
        """The least and greatest ``record[other] - record[order]`` over the records."""
        if (order, other) not in self._spreads:
            difference = self.columns.times[other] - self.columns.times[order]
            self._spreads[order, other] = (int(difference.min()), int(difference.max()))
        return self._spreads[order, other]

    def _parts(self, q: Query) -> list[_Part]:
        """The matches of ``q`` as runs in order (the concatenation of the runs is every match)."""
        count = self.columns.count
        if q.empty or count == 0:
            return []
        category: int | None = None
        if q.category is not None:
            names = self.columns.category_names
            if q.category not in names:
                return []
            category = names.index(q.category)
        order = self._order(q.order)
        values = self.columns.times[q.order]

        def at(micros: int, side: str) -> int:
            return order.position(values, micros, side)

        lo, hi = 0, count
        sure_lo, sure_hi = 0, count  # within [sure_lo, sure_hi) every bound on another field holds
        rest: list[tuple[str, str, int]] = []  # bounds on other fields: (field, op, micros)
        band_of_lower = (-1, -1)  # the low band a ">=" bound on another field gives, before other bounds narrow it
        for b in q.bounds:
            micros = b.micros
            if b.field == q.order:
                if b.op == ">=":
                    lo = max(lo, at(micros, "left"))
                elif b.op == "<":
                    hi = min(hi, at(micros, "left"))
                else:
                    hi = min(hi, at(micros, "right"))
                continue
            rest.append((b.field, b.op, micros))
            least, most = self._spread(q.order, b.field)  # record[field] - record[order] lies in [least, most]
            if b.op == ">=":
                band_of_lower = at(micros - most, "left"), at(micros - least, "left")
                lo, sure_lo = max(lo, band_of_lower[0]), max(sure_lo, band_of_lower[1])
            elif b.op == "<":
                hi, sure_hi = min(hi, at(micros - least, "left")), min(sure_hi, at(micros - most, "left"))
            else:
                hi, sure_hi = min(hi, at(micros - least, "right")), min(sure_hi, at(micros - most, "right"))
        if lo >= hi:
            return []
        sure_lo = min(max(sure_lo, lo), hi)
        sure_hi = min(max(sure_hi, sure_lo), hi)
        counted = self._band_count(rest, (lo, sure_lo), band_of_lower) if category is None else None
        parts = [
            self._checked(q.order, lo, sure_lo, rest, category, counted) if lo < sure_lo else None,
            self._sure(order, sure_lo, sure_hi, category),
            self._checked(q.order, sure_hi, hi, rest, category) if sure_hi < hi else None,
        ]
        return [part for part in parts if part is not None and part.length]

    def _band_count(
        self, rest: list[tuple[str, str, int]], band: tuple[int, int], band_of_lower: tuple[int, int]
    ) -> int | None:
        """How many records of the low band [lo, sure_lo) meet the one bound on another field, ``record[other] >=
        micros``, when the band is the whole of what that bound leaves open (no other bound narrowed it): read from
        ``other``'s order, not counted (else None: the band is counted).

        Every record at a position before ``sure_lo`` has ``record[order] < micros - least``; a record with
        ``record[other] < micros`` has ``record[order] <= record[other] - least < micros - least``, so it lies there
        too; and no record before the band meets the bound. So the band's matches are ``sure_lo`` less the records
        with ``record[other] < micros``, one search of ``other``'s order (when it is built)."""
        if len(rest) != 1 or band != band_of_lower:
            return None
        other, _, micros = rest[0]
        found = self._orders.get(other)
        return None if found is None else band[1] - found.position(self.columns.times[other], micros, "left")

    def _sure(self, order: _Order, start: int, stop: int, category: int | None) -> _Part:
        if category is None:
            return _Part(order.perm[start:stop])
        positions = order.by_category[category]
        kind = positions.dtype.type
        first, last = positions.searchsorted(kind(start)), positions.searchsorted(kind(stop))
        return _Part(order.perm, positions[first:last])

    def _in_order(self, order: str, other: str) -> I64:
        """``times[other]`` in the order of ``order`` (so that a band's values are read as one run, not gathered)."""
        if (order, other) not in self._aligned:
            self._aligned[order, other] = self.columns.times[other][self._order(order).perm]
        return self._aligned[order, other]

    def _checked(
        self,
        order: str,
        start: int,
        stop: int,
        rest: list[tuple[str, str, int]],
        category: int | None,
        counted: int | None = None,
    ) -> _Part:
        """The records at positions [start, stop) of ``order`` (a thin band at an end of the window) that meet every
        bound and the category (``counted``: how many, when known)."""
        perm = self._order(order).perm
        band: Band = (
            start,
            stop,
            tuple([self._in_order(order, field) for field, _, _ in rest]),
            b"".join([_OPS[op] for _, op, _ in rest]),
            tuple([micros for _, _, micros in rest]),
            perm,
            None if category is None else self.columns.category,
            -1 if category is None else category,
        )
        return _Part(perm[start:stop], band=band, length=counted)

    def matches(self, q: Query) -> Indexes:
        """Every matching record index, in order."""
        parts = self._parts(q)
        return np.concatenate([part.take(0, part.length) for part in parts]) if parts else _EMPTY

    def index_of_id(self, record_id: int) -> int | None:
        """The record whose integer id is ``record_id``, if any."""
        ids = self.columns.ids
        if ids is None:
            return None
        if self._id_order is None:
            if len(ids) < 2 or bool(np.all(ids[1:] > ids[:-1])):  # already ascending (numbered records)
                self._id_order = (np.arange(len(ids), dtype=np.int64), ids)
            else:
                order = np.argsort(ids, kind="stable").astype(np.int64)
                self._id_order = (order, ids[order])
        order, sorted_ids = self._id_order
        at = int(np.searchsorted(sorted_ids, record_id))
        if at < len(ids) and sorted_ids[at] == record_id:
            return int(order[at])
        return None

    def query(self, q: Query) -> Page:
        parts = self._parts(q)
        total = sum(part.length for part in parts)
        page = q.page
        if q.find_id is not None and q.size >= 1:
            index = self.index_of_id(q.find_id)
            if index is not None:
                hits = np.flatnonzero(self.matches(q) == index)
                if len(hits):
                    page = int(hits[0]) // q.size + 1
        if page < 1 or q.size < 1 or (page - 1) * q.size >= total:
            return Page(_EMPTY, total, page, q.size)
        start = (page - 1) * q.size
        stop = min(start + q.size, total)
        taken: list[Indexes] = []
        for part in parts:
            length = part.length
            if start < length and stop > 0:
                taken.append(part.take(max(start, 0), min(stop, length)))
            start, stop = start - length, stop - length
        return Page(taken[0] if len(taken) == 1 else np.concatenate(taken), total, page, q.size)

    def record_json(self, index: int) -> bytes:
        """Record ``index`` as JSON bytes; records served since the cache last filled up are kept rendered."""
        cached = self._rendered.get(index)
        if cached is not None:
            return cached
        body = bytes(memoryview(orjson.dumps(self.render(index))))  # exact size: orjson's keeps its buffer
        self._remember(index, body)
        return body

    def page_json(self, indexes: Indexes) -> bytes:
        """The JSON array of records ``indexes``: written by the page renderer when there is one (it costs less than
        a cache would), else each record from the cache or rendered alone."""
        if self.render_page is not None:
            return self.render_page(indexes)
        return b"[" + b",".join([self.record_json(i) for i in indexes.tolist()]) + b"]"

    def _remember(self, index: int, body: bytes) -> None:
        """Keep ``body``; a full cache starts afresh (cheaper than keeping an LRU order on every request, and a
        dataset that fits is never evicted)."""
        if len(self._rendered) >= self.cache_size:
            self._rendered.clear()
        self._rendered[index] = body
