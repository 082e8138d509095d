"""The store's indexes answer as a scan of every record would: sorted orders, category positions, overlap bands.

The oracle filters all records with plain comparisons and sorts them with ``np.lexsort``; the store must give the
same matches, in the same order, for windows, categories and bounds on a second field, whether its orders were
built at once or in the background.
"""

from __future__ import annotations

import os
import random
import threading
from typing import Any

import numpy as np
import pytest

from mockserver.core import store as store_module
from mockserver.core.instants import Instant
from mockserver.core.query import Bound, Query
from mockserver.core.store import Columns, Store

COUNT = 5_000
NAMES = ("a", "b", "c")


def _columns(seed: int) -> Columns:
    rng = np.random.default_rng(seed)
    start = rng.integers(0, 2_000, COUNT) * 900  # a grid with many ties
    end = start + rng.integers(1, 400, COUNT) * 900
    created = start - rng.integers(1, 10**9, COUNT)  # no grid
    rank = rng.permutation(COUNT).astype(np.int64)
    return Columns(
        count=COUNT,
        times={"start": start, "end": end, "created": created},
        id_rank=rank,
        ids=rank + 7,
        category=rng.integers(0, len(NAMES), COUNT).astype(np.int8),
        category_names=NAMES,
    )


def _oracle(columns: Columns, q: Query) -> list[int]:
    keep = np.ones(columns.count, dtype=bool)
    for b in q.bounds:
        v = columns.times[b.field]
        keep &= v >= b.micros if b.op == ">=" else v < b.micros if b.op == "<" else v <= b.micros
    if q.category is not None:
        assert columns.category is not None
        keep &= columns.category == columns.category_names.index(q.category)
    order = np.lexsort((columns.id_rank, columns.times[q.order]))
    return [int(i) for i in order if keep[i]]


def _queries(pick: random.Random) -> list[Query]:
    found = []
    for _ in range(300):
        low = pick.randint(-50_000, 2_100 * 900)
        high = low + pick.randint(0, 400_000)
        order = pick.choice(("start", "end", "created"))
        category = pick.choice((None, None, *NAMES))
        kind = pick.random()
        bounds: tuple[Bound, ...]
        if kind < 0.5:
            bounds = (Bound(order, ">=", Instant(low)), Bound(order, "<", Instant(high)))
        elif kind < 0.75:  # an overlap window: start <= high and end >= low
            order = "start"
            bounds = (Bound("start", "<=", Instant(high)), Bound("end", ">=", Instant(low)))
        elif kind < 0.85:  # and a lower bound on start that cuts into the band the bound on end leaves open
            order = "start"
            cut = low - pick.randint(0, 400 * 900)
            bounds = (
                Bound("start", ">=", Instant(cut)),
                Bound("start", "<=", Instant(high)),
                Bound("end", ">=", Instant(low)),
            )
        else:  # and bounds on two other fields at once, each of the three operators
            order = "start"
            bounds = (
                Bound("start", "<=", Instant(high)),
                Bound("end", ">=", Instant(low)),
                Bound("created", "<" if pick.random() < 0.5 else "<=", Instant(low + pick.randint(-(10**9), 0))),
            )
        found.append(Query(order=order, bounds=bounds, page=1, size=10**9, category=category))
    return found


@pytest.mark.parametrize("seed", [1, 2])
def test_matches_are_every_record_a_scan_keeps_in_lexsort_order(seed: int) -> None:
    columns = _columns(seed)
    served = Store(columns, lambda i: {}).prepare(("start", "end", "created"))
    for q in _queries(random.Random(seed)):
        assert served.matches(q).tolist() == _oracle(columns, q), q


@pytest.mark.parametrize("fields", [("start",), ("start", "end")])
def test_pages_cut_the_matches_in_order(fields: tuple[str, ...]) -> None:
    """With the order of ``end`` built, an overlap window's low band is counted from it, and its pages found from
    whichever end of the band is nearer."""
    columns = _columns(3)
    served = Store(columns, lambda i: {}).prepare(fields)
    for q in _queries(random.Random(3)):
        expected = _oracle(columns, q)
        for size in (1, 7, 50):
            for page in (1, 2, 5):
                got = served.query(Query(q.order, q.bounds, page, size, q.category))
                assert got.total == len(expected)
                assert got.indexes.tolist() == expected[(page - 1) * size : page * size]


def test_orders_built_in_the_background_are_the_ones_built_at_once(monkeypatch: Any) -> None:
    columns = _columns(4)
    at_once = Store(columns, lambda i: {}).prepare(("start", "end", "created"))
    monkeypatch.setattr(store_module, "BACKGROUND_FROM", 0)
    later = Store(columns, lambda i: {}).prepare(("start", "end", "created"))
    for q in _queries(random.Random(4))[:50]:  # the first of these may wait for the background thread
        assert later.matches(q).tolist() == at_once.matches(q).tolist()


def test_orders_are_built_in_the_background_at_the_lowest_cpu_priority(monkeypatch: Any) -> None:
    """The build thread's own nice value, as the OS reports it from inside the thread, is 19; the server's is not
    lowered, and every order is built once ``settle`` returns."""
    seen: list[tuple[int, int]] = []
    build = Store._build

    def observed(self: Store, fields: tuple[str, ...]) -> None:
        seen.append((os.getpriority(os.PRIO_PROCESS, threading.get_native_id()), threading.get_native_id()))
        build(self, fields)

    monkeypatch.setattr(store_module, "BACKGROUND_FROM", 0)
    monkeypatch.setattr(Store, "_build", observed)
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    served = Store(_columns(6), lambda i: {}).prepare(("start", "end", "created")).settle()
    assert [nice for nice, _ in seen] == [19]
    assert seen[0][1] != threading.get_native_id()
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine
    assert set(served._orders) == {"start", "end", "created"}


def test_a_record_is_found_by_its_id() -> None:
    columns = _columns(5)
    served = Store(columns, lambda i: {})
    assert columns.ids is not None
    assert [served.index_of_id(int(columns.ids[i])) for i in (0, 17, COUNT - 1)] == [0, 17, COUNT - 1]
    assert served.index_of_id(-1) is None
