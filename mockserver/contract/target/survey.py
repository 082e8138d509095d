"""Where the target's data lies: a few wide requests before fuzzing, so that generation can aim at it and the
checks can say which records a request must list.

The survey pages through the widest window in the order of each field a page can be ordered by. Paged in order,
every record whose value of that field lies below the last value seen is known (the field's *horizon*); a survey
that reached an empty page knows every record.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.wire import record_instant
from mockserver.core.instants import Instant

__all__ = ["WIDE_WINDOW", "Landscape", "Record", "survey", "wide_query"]

# The widest window both specs accept (interventions' pattern wants `Z`).
WIDE_WINDOW = ("0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z")
MAX_SURVEY_REQUESTS = 16  # per ordered field

Fetch = Callable[[dict[str, Any]], Any]  # query -> parsed JSON body of a 200, or None


@dataclass(frozen=True)
class Record:
    """What the checks and the steering need of one record the target listed."""

    id: Any
    times: Mapping[str, Instant]
    category: str | None


@dataclass(frozen=True)
class Landscape:
    """The records seen by the survey, with their instants sorted per field, and how far the knowledge goes.

    ``horizons[f]`` is None when every record is known, else the instant below which every record's ``f`` is known.
    """

    records: tuple[Record, ...]
    requests: int
    horizons: Mapping[str, Instant | None] = field(default_factory=dict)
    _sorted: dict[str, list[Instant]] = field(default_factory=dict, compare=False, repr=False)

    def values(self, name: str) -> list[Instant]:
        if name not in self._sorted:
            self._sorted[name] = sorted(r.times[name] for r in self.records if name in r.times)
        return self._sorted[name]

    @property
    def complete(self) -> bool:
        return bool(self.horizons) and all(h is None for h in self.horizons.values())

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({r.category for r in self.records if r.category is not None}))

    @property
    def ids(self) -> tuple[Any, ...]:
        return tuple(r.id for r in self.records)

    def by_id(self, record_id: Any) -> Record | None:
        return next((r for r in self.records if r.id == record_id), None)

    def rank(self, name: str, instant: Instant) -> int:
        """How many known values of ``name`` lie strictly before ``instant``."""
        return bisect.bisect_left(self.values(name), instant)

    def known_below(self, name: str, instant: Instant, *, inclusive: bool = False) -> bool:
        """Whether every record whose ``name`` is below ``instant`` (or at it, if ``inclusive``) is known."""
        if self.complete:
            return True
        horizon = self.horizons.get(name, Instant(-(2**62)))
        return horizon is None or (instant < horizon if inclusive else instant <= horizon)


def _record(profile: ApiProfile, item: dict[str, Any]) -> Record | None:
    times = {n: t for n in profile.time_fields if (t := record_instant(item, n)) is not None}
    if "id" not in item or not times:
        return None
    category = item.get(profile.category_field) if profile.category_field else None
    return Record(id=item["id"], times=times, category=category if isinstance(category, str) else None)


def wide_query(profile: ApiProfile) -> dict[str, Any]:
    """A valid request for everything: the widest window, every required parameter at its example."""
    query: dict[str, Any] = {profile.lower: WIDE_WINDOW[0], profile.upper: WIDE_WINDOW[1]}
    for param in profile.query_params():
        if param.required and param.name not in query:
            query[param.name] = _wire(param.example if param.example is not None else param.default)
    return query


def _wire(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _survey_field(profile: ApiProfile, fetch: Fetch, name: str, seen: dict[Any, Record]) -> tuple[Instant | None, int]:
    """Page through the widest window ordered by ``name``; the horizon reached (None: complete) and requests sent."""
    last: Instant | None = None
    for page in range(1, MAX_SURVEY_REQUESTS + 1):
        query = {**wide_query(profile), profile.size_param: profile.size_cap, profile.page_param: page}
        if profile.order_param:
            query[profile.order_param] = name
        items = profile.items(fetch(query))
        if items == [] and page > 1:
            return None, page
        if not items:
            return Instant(-(2**62)), page
        before = len(seen)
        for item in items:
            record = _record(profile, item)
            if record is not None and _hashable(record.id):
                seen.setdefault(record.id, record)
                value = record.times.get(name)
                if value is not None and (last is None or last < value):
                    last = value
        if len(seen) == before:  # the target repeats itself: what it shows is all there is to learn
            break
    return (last if last is not None else Instant(-(2**62))), MAX_SURVEY_REQUESTS


def survey(profile: ApiProfile, fetch: Fetch) -> Landscape:
    """Page through the widest window at the documented maximum page size, a bounded number of times per field."""
    seen: dict[Any, Record] = {}
    horizons: dict[str, Instant | None] = {}
    requests = 0
    for name in profile.order_fields:
        if horizons and all(h is None for h in horizons.values()):
            horizons[name] = None  # every record is known already
            continue
        horizons[name], sent = _survey_field(profile, fetch, name, seen)
        requests += sent
    return Landscape(records=tuple(seen.values()), requests=requests, horizons=horizons)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
