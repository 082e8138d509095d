"""Where the target's data lies: a few wide requests before fuzzing, so that generation can aim at it."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.contract.profiles import ApiProfile
from mockserver.contract.wire import record_instant
from mockserver.instants import Instant

__all__ = ["WIDE_WINDOW", "Landscape", "Record", "survey"]

# The widest window both specs accept (interventions' pattern wants `Z`).
WIDE_WINDOW = ("0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z")
MAX_SURVEY_REQUESTS = 12

Fetch = Callable[[dict[str, Any]], Any]  # query -> parsed JSON body of a 200, or None


@dataclass(frozen=True)
class Record:
    """What the checks and the steering need of one record the target listed."""

    id: Any
    times: Mapping[str, Instant]
    category: str | None


@dataclass(frozen=True)
class Landscape:
    """The records seen by the survey, with their instants sorted per field."""

    records: tuple[Record, ...]
    requests: int
    _sorted: dict[str, list[Instant]] = field(default_factory=dict, compare=False, repr=False)

    def values(self, name: str) -> list[Instant]:
        if name not in self._sorted:
            self._sorted[name] = sorted(r.times[name] for r in self.records if name in r.times)
        return self._sorted[name]

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


def _record(profile: ApiProfile, item: dict[str, Any]) -> Record | None:
    times = {n: t for n in profile.time_fields if (t := record_instant(item, n)) is not None}
    if "id" not in item or not times:
        return None
    category = item.get("category") if profile.category_param else None
    return Record(id=item["id"], times=times, category=category if isinstance(category, str) else None)


def survey(profile: ApiProfile, fetch: Fetch) -> Landscape:
    """Page through the widest window at the documented maximum page size, a bounded number of times."""
    seen: dict[Any, Record] = {}
    requests = 0
    for page in range(1, MAX_SURVEY_REQUESTS + 1):
        query: dict[str, Any] = {profile.lower: WIDE_WINDOW[0], profile.upper: WIDE_WINDOW[1],
                                 profile.size_param: profile.size_cap, "page": page}
        if profile.api == "interventions":
            query["includeSites"] = "false"
        body = fetch(query)
        requests += 1
        items = profile.items(body)
        if not items:
            break
        before = len(seen)
        for item in items:
            record = _record(profile, item)
            if record is not None and _hashable(record.id):
                seen.setdefault(record.id, record)
        if len(seen) == before:
            break
    return Landscape(records=tuple(seen.values()), requests=requests)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
