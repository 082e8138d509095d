"""Steer generated requests towards the target's data, and feed the generator the rules the schema cannot say.

Registered as the schema's own ``map_case`` hook. Every positive case gets its window put right way round
(``from <= to``); in the examples and fuzzing phases most positive cases are then aimed at the data the
survey found: bounds exactly on data instants (so an instant equal to ``to`` is met), small pages, the last
page and the one after it, every ``orderBy``, existing categories and existing ``findId``s. A per-case
``random.Random`` seeded from the run's seed and the generated case keeps runs reproducible.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Callable
from typing import Any

from schemathesis import GenerationMode
from schemathesis.generation.meta import TestPhase

from mockserver.contract.landscape import Landscape
from mockserver.contract.profiles import ApiProfile
from mockserver.contract.types import Case
from mockserver.contract.window import Window
from mockserver.contract.wire import as_instant
from mockserver.instants import Instant, format_instant

__all__ = ["render_instant", "steering_hook"]

UNSTEERED_SHARE = 0.15
_EVENT_OFFSETS = (0, 0, 8 * 60, -5 * 60, 5 * 60 + 30, -(9 * 60 + 30), 14 * 60)
_MS = 1000


def render_instant(instant: Instant, offset_minutes: int = 0, digits: int = 3) -> str:
    """An RFC 3339 text of ``instant`` at ``offset_minutes`` with at least ``digits`` fraction digits (0-9)."""
    base = format_instant(instant.micros, offset_minutes)
    if len(base.split("-", 1)[0]) != 4 or base.startswith("-"):
        base, offset_minutes = format_instant(instant.micros, 0), 0
    head, zone = base[:19], base[23:]
    fraction = f"{instant.micros % 1_000_000:06d}"
    needed = len(fraction.rstrip("0"))
    digits = max(digits, needed)
    if digits == 0:
        return head + zone
    return f"{head}.{(fraction + '000')[:digits]}{zone}"


def _aim_events(profile: ApiProfile, land: Landscape, q: dict[str, Any], rng: random.Random) -> None:
    field = rng.choice(profile.order_fields)
    q["orderBy"] = field
    values = land.values(field)
    i = rng.randrange(len(values))
    j = min(len(values) - 1, i + rng.choice((1, 2, 3, 5, 8, 13, 40, len(values))))
    lower, upper = values[i], values[j]  # upper sits exactly on a data instant, which must be left out
    if rng.random() < 0.2:
        upper = Instant(values[-1].micros + _MS)
    if rng.random() < 0.25:  # just past or before a data instant: a bound compared coarsely shows up here
        lower = Instant(lower.micros + rng.choice((-_MS, 1, _MS)))
    offsets = rng.choice(_EVENT_OFFSETS), rng.choice(_EVENT_OFFSETS)
    digits = rng.choice((0, 3, 3, 6, 9))
    q["from"], q["to"] = render_instant(lower, offsets[0], digits), render_instant(upper, offsets[1], digits)
    roll = rng.random()
    window = Window("events", lower, upper, field, None)
    inside = [r.category for r in land.records if r.category is not None and window.spans(r.times)]
    if roll < 0.45 and (inside or land.categories):
        q["category"] = rng.choice(inside or land.categories)
    elif roll < 0.8:
        q.pop("category", None)


def _aim_interventions(land: Landscape, q: dict[str, Any], rng: random.Random) -> None:
    starts, ends = land.values("scheduledStart"), land.values("scheduledEnd")
    lower = rng.choice(ends) if rng.random() < 0.6 else rng.choice(starts)
    at = land.rank("scheduledStart", lower)
    upper = starts[min(len(starts) - 1, at + rng.choice((0, 1, 2, 4, 8, 20, 60, len(starts))))]
    if rng.random() < 0.3:  # just past a record's end, or just before a record's start: it must be left out
        lower, upper = Instant(lower.micros + rng.choice((1, _MS))), Instant(upper.micros - rng.choice((0, 1, _MS)))
    if upper < lower:
        lower, upper = upper, lower
    digits = rng.choice((0, 3, 3, 6))
    q["scheduledStart"], q["scheduledEnd"] = render_instant(lower, 0, digits), render_instant(upper, 0, digits)
    q["includeCount"] = "true" if rng.random() < 0.7 else "false"
    roll = rng.random()
    if roll < 0.5 and land.records:
        window = Window("interventions", lower, upper, "scheduledStart", None)
        inside = [r.id for r in land.records if window.contains(r.times, None)]
        pool = inside if inside and rng.random() < 0.75 else list(land.ids)
        q["findId"] = rng.choice(pool)
    elif roll < 0.8:
        q.pop("findId", None)


def _aim_paging(profile: ApiProfile, land: Landscape, q: dict[str, Any], rng: random.Random) -> None:
    if rng.random() < 0.9:
        q[profile.size_param] = rng.choice((1, 2, 3, 4, 5, 7, 10, 25))
    size = q.get(profile.size_param, profile.size_default)
    if not isinstance(size, int) or size < 1:
        return
    lower, upper = as_instant(q.get(profile.lower)), as_instant(q.get(profile.upper))
    if lower is None or upper is None:
        return
    category = q.get("category") if profile.category_param else None
    window = Window(profile.api, lower, upper, profile.order_field(q), category if isinstance(category, str) else None)
    matches = sum(window.contains(r.times, r.category) for r in land.records)
    last = max(1, math.ceil(matches / size))
    q["page"] = rng.choice((1, 1, 2, last, last, last, last + 1, rng.randint(1, last)))


def _put_window_right(profile: ApiProfile, q: dict[str, Any]) -> None:
    lower, upper = as_instant(q.get(profile.lower)), as_instant(q.get(profile.upper))
    if lower is not None and upper is not None and upper < lower:
        q[profile.lower], q[profile.upper] = q[profile.upper], q[profile.lower]


def steering_hook(profile: ApiProfile, land: Landscape, seed: int) -> Callable[[Any, Case], Case]:
    """The ``map_case`` hook for one run."""

    def map_case(context: Any, case: Case) -> Case:
        meta = case.meta
        if meta is None or meta.generation.mode != GenerationMode.POSITIVE or not isinstance(case.query, dict):
            return case
        q = case.query
        _put_window_right(profile, q)
        if meta.phase.name == TestPhase.COVERAGE or not land.records:
            return case
        rng = random.Random(zlib.crc32(f"{seed}|{sorted(q.items(), key=str)!r}".encode()))
        if rng.random() < UNSTEERED_SHARE:
            return case
        if profile.api == "events":
            _aim_events(profile, land, q, rng)
        else:
            _aim_interventions(land, q, rng)
        _aim_paging(profile, land, q, rng)
        return case

    return map_case
