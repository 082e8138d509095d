"""An immutable, indexed dataset: sorted permutations built on first use, ``query(q) -> Page``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from mockserver.core.query import Bound, Page, Query

__all__ = ["Columns", "Store"]

I64 = npt.NDArray[np.int64]
_EMPTY: I64 = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class Columns:
    """What queries need of each record, as arrays indexed by record number.

    ``times`` holds whole microseconds since the epoch per time field; ``id_rank`` orders ids (the
    tie-break); ``ids`` holds integer ids where the API looks records up by id (``findId``);
    ``category`` holds codes into ``category_names``.
    """

    count: int
    times: Mapping[str, I64]
    id_rank: I64
    ids: I64 | None = None
    category: npt.NDArray[np.signedinteger[Any]] | None = None
    category_names: tuple[str, ...] = ()


@dataclass
class Store:
    """Records answer queries through ``columns``; ``render(i)`` builds record ``i``'s JSON when served."""

    columns: Columns
    render: Callable[[int], dict[str, Any]]
    cache_size: int = 8192
    _orders: dict[str, tuple[npt.NDArray[np.signedinteger[Any]], I64]] = field(default_factory=dict, repr=False)
    _rendered: OrderedDict[int, bytes] = field(default_factory=OrderedDict, repr=False)
    _id_order: tuple[I64, I64] | None = field(default=None, repr=False)

    def prepare(self, fields: tuple[str, ...]) -> Store:
        """Sort by each of ``fields`` now (at start-up) rather than on the first query that orders by it."""
        for name in fields:
            self._order(name)
        return self

    def _order(self, name: str) -> tuple[npt.NDArray[np.signedinteger[Any]], I64]:
        """Record indexes sorted by (``name``, id rank), and the sorted values; indexes 32-bit where they fit."""
        if name not in self._orders:
            values = self.columns.times[name]
            perm = np.lexsort((self.columns.id_rank, values))
            small = self.columns.count < 2**31
            self._orders[name] = (perm.astype(np.int32 if small else np.int64), values[perm])
        return self._orders[name]

    def matches(self, q: Query) -> npt.NDArray[np.signedinteger[Any]]:
        """Every matching record index, in order."""
        if q.empty:
            return _EMPTY
        category: int | None = None
        if q.category is not None:
            names = self.columns.category_names
            if q.category not in names:
                return _EMPTY
            category = names.index(q.category)
        perm, values = self._order(q.order)
        lo, hi = 0, len(perm)
        rest: list[Bound] = []
        for b in q.bounds:
            if b.field != q.order:
                rest.append(b)
            elif b.op == ">=":
                lo = max(lo, int(np.searchsorted(values, b.micros, side="left")))
            elif b.op == "<":
                hi = min(hi, int(np.searchsorted(values, b.micros, side="left")))
            else:
                hi = min(hi, int(np.searchsorted(values, b.micros, side="right")))
        found = perm[lo:hi] if lo < hi else _EMPTY
        if category is not None:  # filtering the window's slice keeps no per-category copy of each order
            assert self.columns.category is not None
            found = found[self.columns.category[found] == category]
        for b in rest:
            column = self.columns.times[b.field][found]
            keep = column >= b.micros if b.op == ">=" else column < b.micros if b.op == "<" else column <= b.micros
            found = found[keep]
        return found

    def index_of_id(self, record_id: int) -> int | None:
        """The record whose integer id is ``record_id``, if any."""
        ids = self.columns.ids
        if ids is None:
            return None
        if self._id_order is None:
            order = np.argsort(ids, kind="stable").astype(np.int64)
            self._id_order = (order, ids[order])
        order, sorted_ids = self._id_order
        at = int(np.searchsorted(sorted_ids, record_id))
        if at < len(ids) and sorted_ids[at] == record_id:
            return int(order[at])
        return None

    def query(self, q: Query) -> Page:
        found = self.matches(q)
        total = len(found)
        page = q.page
        if q.find_id is not None and q.size >= 1:
            index = self.index_of_id(q.find_id)
            if index is not None:
                hits = np.flatnonzero(found == index)
                if len(hits):
                    page = int(hits[0]) // q.size + 1
        if page < 1 or q.size < 1 or (page - 1) * q.size >= total:
            return Page(_EMPTY, total, page, q.size)
        start = (page - 1) * q.size
        return Page(found[start : start + q.size], total, page, q.size)

    def record_json(self, index: int) -> bytes:
        """Record ``index`` as JSON bytes; the most recently served records are kept rendered."""
        cached = self._rendered.get(index)
        if cached is not None:
            self._rendered.move_to_end(index)
            return cached
        body = orjson.dumps(self.render(index))
        self._rendered[index] = body
        if len(self._rendered) > self.cache_size:
            self._rendered.popitem(last=False)
        return body
