"""The edge requests of windows and pages: valid requests around real records' instants and at the last page,
judged by the page checks."""

from __future__ import annotations

import collections
import itertools
from collections.abc import Iterator
from typing import Any

from mockserver.contract.requests.edge import Edge, EdgeContext
from mockserver.contract.target.survey import Landscape, Record, wide_query
from mockserver.core.instants import Instant, format_instant

__all__ = ["category_pages", "half_open", "overlap", "pages", "render", "windows"]

_MS = 1000
_OFFSETS = (5 * 60 + 30, -(9 * 60 + 30), 14 * 60, -12 * 60)


def render(instant: Instant, offset_minutes: int = 0, digits: int = 3) -> str:
    """An RFC 3339 text of ``instant`` at ``offset_minutes`` with at least ``digits`` fraction digits."""
    micros = instant.micros
    base = format_instant(micros, offset_minutes)
    if len(base.split("-", 1)[0]) != 4 or base.startswith("-"):
        base, offset_minutes = format_instant(micros, 0), 0
    head, zone = base[:19], base[23:]
    fraction = f"{micros % 1_000_000:06d}{instant.rest}"
    digits = max(digits, len(fraction.rstrip("0")))
    return head + zone if digits == 0 else f"{head}.{(fraction + '0' * 9)[:digits]}{zone}"


def _plus(instant: Instant, micros: int) -> Instant:
    return Instant(instant.micros + micros, instant.rest)


def _just_after(instant: Instant) -> Instant:
    """100 ns after ``instant`` (below a microsecond: a bound compared coarsely shows up here)."""
    return Instant(instant.micros, instant.rest + "1" if instant.rest else "1")


def _spread(land: Landscape, field: str, count: int = 3) -> list[Record]:
    """A few records along ``field``: the first, one of a tie when there is one, and a middle one."""
    ordered = sorted((r for r in land.records if field in r.times), key=lambda r: (r.times[field], repr(r.id)))
    if not ordered:
        return []
    chosen = [ordered[0], ordered[len(ordered) // 2]]
    tie = next((b for a, b in itertools.pairwise(ordered) if a.times[field] == b.times[field]), None)
    if tie is not None:
        chosen.append(tie)
    unique = list({repr(r.id): r for r in chosen}.values())
    return unique[:count]


def windows(ctx: EdgeContext) -> Iterator[Edge]:
    profile = ctx.profile
    for field in profile.order_fields:
        for record in _spread(ctx.land, field):
            yield from (half_open(ctx, field, record) if profile.window == "half-open" else overlap(ctx, record))


def _window(
    ctx: EdgeContext,
    lower: Instant,
    upper: Instant,
    extra: dict[str, Any],
    offsets: tuple[int, int] = (0, 0),
    digits: int = 3,
) -> dict[str, Any]:
    query = ctx.base(**extra)
    query[ctx.profile.lower] = render(lower, offsets[0], digits)
    query[ctx.profile.upper] = render(upper, offsets[1], digits)
    if ctx.profile.count_param:
        query[ctx.profile.count_param] = "true"
    return query


def half_open(ctx: EdgeContext, field: str, record: Record) -> Iterator[Edge]:
    at = record.times[field]
    extra = {ctx.profile.order_param: field} if ctx.profile.order_param else {}
    for lower, upper in (
        (at, _plus(at, _MS)),
        (_plus(at, -_MS), at),
        (_plus(at, 1), _plus(at, _MS)),
        (_just_after(at), _plus(at, _MS)),
        (_plus(at, -_MS), _just_after(at)),
        (at, at),
        (_plus(at, _MS), at),
        (_just_after(at), at),
        (_plus(at, -86_400_000_000), at),
    ):
        digits = 7 if lower.rest or upper.rest else 6 if (lower.micros | upper.micros) % _MS else 3
        yield Edge(_window(ctx, lower, upper, extra, digits=digits), ctx.headers)
    for offset in _OFFSETS:
        yield Edge(_window(ctx, at, _plus(at, 3_600_000_000), extra, (offset, -offset)), ctx.headers)
    if ctx.profile.category_param and record.category is not None:
        day = 86_400_000_000
        prefix = (record.category[:-1],) if len(record.category) > 1 else ()  # exact match, not a prefix
        for category in (record.category, record.category + " ", *prefix):
            wide = {**extra, ctx.profile.size_param: 2, ctx.profile.category_param: category}
            yield Edge(_window(ctx, _plus(at, -day), _plus(at, day), wide), ctx.headers)


def overlap(ctx: EdgeContext, record: Record) -> Iterator[Edge]:
    assert ctx.profile.period is not None
    start, end = (record.times[f] for f in ctx.profile.period)
    middle = Instant(start.micros + (end.micros - start.micros) // 2 // _MS * _MS)
    for lower, upper in (
        (end, end),
        (_plus(end, 1), _plus(end, _MS)),
        (_just_after(end), _plus(end, _MS)),
        (_plus(start, -_MS), start),
        (_plus(start, -_MS), _plus(start, -1)),
        (_plus(start, -_MS), Instant(start.micros - 1, "9")),
        (start, start),
        (_plus(middle, _MS), middle),
        (_just_after(middle), middle),
        (_plus(middle, 1), middle),
    ):
        digits = 7 if lower.rest or upper.rest else 6 if (lower.micros | upper.micros) % _MS else 3
        yield Edge(_window(ctx, lower, upper, {}, digits=digits), ctx.headers)
    if ctx.profile.find_param:
        find, page = ctx.profile.find_param, ctx.profile.page_param
        day = 86_400_000_000
        for extra in (
            {find: record.id, ctx.profile.size_param: 2},
            {find: record.id, page: 0},
            {find: record.id, ctx.profile.size_param: 0, page: 2},
            {find: record.id, page: 3, ctx.profile.size_param: 1},
        ):
            yield Edge(_window(ctx, _plus(start, -day), _plus(end, day), extra), ctx.headers)
        yield Edge(_window(ctx, _plus(end, _MS), _plus(end, day), {find: record.id, page: 2}), ctx.headers)


def pages(ctx: EdgeContext) -> Iterator[Edge]:
    profile = ctx.profile
    size, cap, page = profile.size_param, profile.size_cap, profile.page_param
    total = len(ctx.land.records)
    small = 7
    last = max(1, -(-total // small))
    queries: list[dict[str, Any]] = [
        {size: cap + 1},
        {size: cap},
        {size: 10**12},
        {size: 0},
        {size: -1},
        {page: 0},
        {page: -1},
        {size: small, page: 2},
        {size: small, page: last},
        {size: small, page: last + 1},
        {size: small, page: 10**15},
        {size: 0, page: 0},
    ]
    size_param = profile.param(size)
    if size_param is not None and size_param.maximum is not None:
        queries.append({size: size_param.maximum})
    queries.extend(category_pages(ctx))
    for extra in queries:
        query = {**wide_query(profile), **extra}
        yield Edge(query, ctx.headers)
        if profile.count_param:
            yield Edge({**query, profile.count_param: "true"}, ctx.headers)
        for field in profile.order_fields[1:2]:
            yield Edge({**query, profile.order_param: field}, ctx.headers)  # type: ignore[dict-item]


def category_pages(ctx: EdgeContext) -> list[dict[str, Any]]:
    """The category filter on later pages too: the commonest category seen, its second and last pages."""
    profile = ctx.profile
    counts = collections.Counter(r.category for r in ctx.land.records if r.category is not None)
    if not profile.category_param or not profile.page_param or not counts:
        return []
    category, seen = min(counts.items(), key=lambda item: (-item[1], item[0]))
    last = max(2, -(-seen // 2))  # at two records a page
    return [
        {profile.size_param: 2, profile.page_param: page, profile.category_param: category}
        for page in sorted({2, last})
    ]
