"""The list rules of the two APIs over one snapshot of records: window, filter, order, paging and counting (and the
one rule a broken deployment breaks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.deployments.config import Config
from tests.deployments.data import Record
from tests.deployments.query import EventsQuery, InterventionsQuery

__all__ = ["events_page", "interventions_page"]


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
    upper_inclusive = config.broken == "window-upper-inclusive"
    matches = [
        r
        for r in records
        if q.lower <= r.at[q.order_by]
        and (r.at[q.order_by] <= q.upper if upper_inclusive else r.at[q.order_by] < q.upper)
        and _category(r, q.category, config)
    ]
    ordered = _ordered(matches, q.order_by, config)
    size = min(q.limit, config.page_cap)
    served = _slice(ordered, q.page, size, q.limit, config)
    count = len(matches) + (1 if config.broken == "count-off-by-one" else 0)
    return {"events": [dict(r.body) for r in served], "count": count, "page": q.page}


def interventions_page(records: Sequence[Record], q: InterventionsQuery, config: Config) -> dict[str, Any]:
    """Interventions whose scheduled period overlaps the window (bounds included), by scheduledStart then id; the
    pagination echoes the page and size served (the cap, a findId hit); totalCount only when asked."""
    exclusive = config.broken == "interventions-overlap-exclusive"

    def overlaps(r: Record) -> bool:
        start, end = r.at["scheduledStart"], r.at["scheduledEnd"]
        if exclusive:  # a period that only touches the window's edge is left out
            return start < q.upper and end > q.lower
        return start <= q.upper and end >= q.lower

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
