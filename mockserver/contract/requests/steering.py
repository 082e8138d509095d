"""Steer generated requests towards the target's data, and feed the generator the rules the schema cannot say.

Applied to each generated case by the schema's own ``map_case`` hook (``schemathesis/hooks.py``). In the examples
and fuzzing phases most positive cases are aimed at the data the survey found: bounds exactly on data instants (so
an instant equal to ``to`` is met), windows turned the wrong way round or of zero width around a record's instants,
small pages, the last page and the one after it, every ``orderBy``, existing categories and existing ``findId``s.
(The edge requests of ``edges.py`` reach every rule's edges deterministically; this spreads the fuzzing around
them.) A per-case ``random.Random`` seeded from the run's seed and the generated case keeps runs reproducible.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Callable
from typing import Any

from mockserver.contract.requests.windows import render as render_instant
from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.survey import Landscape
from mockserver.contract.target.window import window_of
from mockserver.core.instants import Instant

__all__ = ["Steer", "steering"]

UNSTEERED_SHARE = 0.15
PORTABLE_INT = 2**31 - 1  # an integer every faithful server takes, whatever its own bound
INVERTED_SHARE = 0.12  # windows turned the wrong way round (or zero-width) around a record's instant
_OFFSETS = (0, 0, 8 * 60, -5 * 60, 5 * 60 + 30, -(9 * 60 + 30), 14 * 60)
_MS = 1000


def _offsets(profile: ApiProfile) -> tuple[int, ...]:
    """UTC offsets (minutes) the window's bounds may be written with: only ``Z`` where a pattern constrains them."""
    bound = profile.param(profile.lower)
    return (0,) if bound is None or bound.pattern else _OFFSETS


def _aim_half_open(profile: ApiProfile, land: Landscape, q: dict[str, Any], rng: random.Random) -> None:
    field = rng.choice(profile.order_fields)
    if profile.order_param:
        q[profile.order_param] = field
    values = land.values(field)
    i = rng.randrange(len(values))
    j = min(len(values) - 1, i + rng.choice((1, 2, 3, 5, 8, 13, 40, len(values))))
    lower, upper = values[i], values[j]  # upper sits exactly on a data instant, which must be left out
    if rng.random() < 0.2:
        upper = Instant(values[-1].micros + _MS)
    if rng.random() < 0.25:  # just past or before a data instant: a bound compared coarsely shows up here
        lower = Instant(lower.micros + rng.choice((-_MS, 1, _MS)))
    offsets = rng.choice(_offsets(profile)), rng.choice(_offsets(profile))
    digits = rng.choice((0, 3, 3, 6, 9))
    if rng.random() < INVERTED_SHARE:  # from >= to, a millisecond, a microsecond or nothing apart: matches nothing
        upper, lower = lower, Instant(lower.micros + rng.choice((0, 1, _MS)))
    q[profile.lower] = render_instant(lower, offsets[0], digits)
    q[profile.upper] = render_instant(upper, offsets[1], digits)
    if profile.category_param is None:
        return
    roll = rng.random()
    window = window_of(profile, q)
    inside = [r.category for r in land.records if r.category is not None and window and window.spans(r.times)]
    if roll < 0.45 and (inside or land.categories):
        q[profile.category_param] = rng.choice(inside or land.categories)
    elif roll < 0.8:
        q.pop(profile.category_param, None)


def _aim_overlap(profile: ApiProfile, land: Landscape, q: dict[str, Any], rng: random.Random) -> None:
    assert profile.period is not None
    first, last = profile.period
    starts, ends = land.values(first), land.values(last)
    lower = rng.choice(ends) if rng.random() < 0.6 else rng.choice(starts)
    at = land.rank(first, lower)
    upper = starts[min(len(starts) - 1, at + rng.choice((0, 1, 2, 4, 8, 20, 60, len(starts))))]
    if rng.random() < 0.3:  # just past a record's end, or just before a record's start: it must be left out
        lower, upper = Instant(lower.micros + rng.choice((1, _MS))), Instant(upper.micros - rng.choice((0, 1, _MS)))
    if upper < lower:
        lower, upper = upper, lower
    if rng.random() < INVERTED_SHARE:  # inverted around an instant a record spans: it matches nothing
        spanned = rng.choice(land.records)
        start, end = spanned.times[first], spanned.times[last]
        upper = Instant((start.micros + end.micros) // 2 // _MS * _MS)
        lower = Instant(upper.micros + rng.choice((1, _MS)))
    digits = rng.choice((0, 3, 3, 6))
    q[profile.lower], q[profile.upper] = render_instant(lower, 0, digits), render_instant(upper, 0, digits)
    if profile.count_param:
        q[profile.count_param] = "true" if rng.random() < 0.7 else "false"
    if profile.find_param is None:
        return
    roll = rng.random()
    if roll < 0.5 and land.records:
        window = window_of(profile, q)
        inside = [r.id for r in land.records if window is not None and window.contains(r.times, None)]
        pool = inside if inside and rng.random() < 0.75 else list(land.ids)
        q[profile.find_param] = rng.choice(pool)
    elif roll < 0.8:
        q.pop(profile.find_param, None)


def _aim_paging(profile: ApiProfile, land: Landscape, q: dict[str, Any], rng: random.Random) -> None:
    if rng.random() < 0.9:
        q[profile.size_param] = rng.choice((1, 2, 3, 4, 5, 7, 10, 25, 0, -1, profile.size_cap + 1))
    size = q.get(profile.size_param, profile.size_default)
    if not isinstance(size, int) or size < 1:
        return
    window = window_of(profile, q)
    if window is None:
        return
    matches = sum(window.contains(r.times, r.category) for r in land.records)
    last = max(1, math.ceil(matches / size))
    q[profile.page_param] = rng.choice((1, 1, 2, last, last, last, last + 1, rng.randint(1, last)))


# (a valid request's query, whether it is the coverage phase's) -> nothing: the query is aimed where it is
Steer = Callable[[dict[str, Any], bool], None]


def steering(profile: ApiProfile, land: Landscape, seed: int, *, mock_rules: bool = True) -> Steer:
    """How one run aims a valid generated request's query. Without ``mock_rules`` (a deployment), an integer whose
    range is the mock's own decision is kept within ±PORTABLE_INT in valid requests: every faithful server takes
    those, and beyond them a deployment may refuse what the documents give no range."""
    unbounded = () if mock_rules else tuple(p.name for p in profile.query_params() if "maximum" in p.mock_keywords)

    def steer(q: dict[str, Any], coverage: bool) -> None:
        for name in unbounded:
            value = q.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > PORTABLE_INT:
                q[name] = PORTABLE_INT if value > 0 else -PORTABLE_INT
        if coverage or not land.records:
            return
        rng = random.Random(zlib.crc32(f"{seed}|{sorted(q.items(), key=str)!r}".encode()))
        if rng.random() < UNSTEERED_SHARE:
            return
        if profile.window == "half-open":
            _aim_half_open(profile, land, q, rng)
        else:
            _aim_overlap(profile, land, q, rng)
        _aim_paging(profile, land, q, rng)

    return steer
