"""The list rules of the two APIs over one snapshot of records: window, filter, order, paging and counting (and the
one rule a broken deployment breaks)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from tests.deployments.config import Config
from tests.deployments.data import MICROS, Record
from tests.deployments.query import EventsQuery, InterventionsQuery

__all__ = ["events_page", "interventions_page"]


def _micros(bound: Fraction) -> tuple[int, int]:
    """A bound as the whole microseconds around it (floor, ceil): for a record's whole-µs instant ``x``, ``x < b`` is
    ``x < ceil``, ``x <= b`` is ``x <= floor``, ``x >= b`` is ``x >= ceil`` and ``x > b`` is ``x > floor``."""
    exact = bound * MICROS
    return math.floor(exact), math.ceil(exact)


def _ordered(matches: list[Record], field: str, config: Config) -> list[Record]:
    """By ``field``, then by id, ascending (ties by descending id when that rule is broken)."""
    by_id = sorted(matches, key=lambda r: r.body["id"], reverse=config.broken == "order-descending-ties")
    return sorted(by_id, key=lambda r: r.at[field])  # stable: ties keep the id order


def _slice(matches: list[Record], page: int, size: int, requested: int, config: Config) -> list[Record]:
    """Page ``page`` (1-based) of ``size`` records; nothing when the page or the size is below 1."""
    if page < 1 or size < 1:
        return []
    if config.broken == "cap-not-applied-consistently" and page > 1:
        size = requested  # the pages after the first forget the cap
    start = (page - 1) * size
    if config.broken == "next-page-overlap" and page > 1:
        start -= 1  # repeats the last record of the page before
    return matches[start : start + size]


def _category(record: Record, wanted: str | None, config: Config) -> bool:
    if wanted is None:
        return True
    if config.broken == "category-prefix":
        return wanted != "" and str(record.body["category"]).startswith(wanted)
    return bool(record.body["category"] == wanted)


def events_page(records: Sequence[Record], q: EventsQuery, config: Config) -> dict[str, Any]:
    """``from <= e[orderBy] < to`` as instants, category exact, ordered by the field then id; ``count`` counts every
    match and ``page`` echoes the requested page."""
    field = q.order_by
    low = _micros(q.lower)[1]
    high_floor, high_ceil = _micros(q.upper)
    if config.broken == "window-upper-inclusive":  # an event exactly at ``to`` is listed
        matches = [r for r in records if low <= r.at[field] <= high_floor and _category(r, q.category, config)]
    else:
        matches = [r for r in records if low <= r.at[field] < high_ceil and _category(r, q.category, config)]
    ordered = _ordered(matches, q.order_by, config)
    size = min(q.limit, config.page_cap)
    served = _slice(ordered, q.page, size, q.limit, config)
    count = len(matches) + (1 if config.broken == "count-off-by-one" else 0)
    return {"events": [dict(r.body) for r in served], "count": count, "page": q.page}


def interventions_page(records: Sequence[Record], q: InterventionsQuery, config: Config) -> dict[str, Any]:
    """Interventions whose scheduled period overlaps the window (bounds included), by scheduledStart then id; the
    pagination echoes the page and size served (the cap, a findId hit); totalCount only when asked."""
    exclusive = config.broken == "interventions-overlap-exclusive"

    low_floor, low_ceil = _micros(q.lower)
    high_floor, high_ceil = _micros(q.upper)

    def overlaps(r: Record) -> bool:
        start, end = r.at["scheduledStart"], r.at["scheduledEnd"]
        if exclusive:  # a period that only touches the window's edge is left out
            return start < high_ceil and end > low_floor
        return start <= high_floor and end >= low_ceil

    matches = [r for r in records if overlaps(r)] if q.lower <= q.upper else []
    ordered = _ordered(matches, "scheduledStart", config)
    size = min(q.page_size, config.page_cap)
    page = q.page
    if q.find_id is not None and size >= 1:
        found = next((n for n, r in enumerate(ordered) if r.body["id"] == q.find_id), None)
        if found is not None:
            page = found // size + 1
    body: dict[str, Any] = {
        "data": [dict(r.body) for r in _slice(ordered, page, size, q.page_size, config)],
        "pagination": {"page": page, "pageSize": size},
    }
    if q.include_count:
        body["totalCount"] = len(matches) + (1 if config.broken == "count-off-by-one" else 0)
    return body
