"""The documents' window rules on exact instants: events half-open on ``orderBy``, interventions overlapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.contract.profiles import ApiProfile
from mockserver.contract.wire import as_instant
from mockserver.instants import Instant

__all__ = ["Window", "window_of"]


@dataclass(frozen=True)
class Window:
    """What a request asks for: its bounds, the field they apply to and the category (None: any)."""

    api: str
    lower: Instant
    upper: Instant
    field: str
    category: str | None

    def contains(self, times: Mapping[str, Instant], category: str | None) -> bool:
        return (self.category is None or category == self.category) and self.spans(times)

    def spans(self, times: Mapping[str, Instant]) -> bool:
        """Whether a record with these instants lies in the window (whatever its category)."""
        if self.api == "events":
            value = times.get(self.field)
            return value is not None and self.lower <= value < self.upper
        start, end = times.get("scheduledStart"), times.get("scheduledEnd")
        return start is not None and end is not None and start <= self.upper and end >= self.lower

    def describe(self) -> str:
        if self.api == "events":
            return f"{self.field} in [from, to)"
        return "scheduledStart <= q.scheduledEnd and scheduledEnd >= q.scheduledStart"


def window_of(profile: ApiProfile, query: Mapping[str, Any]) -> Window | None:
    """The window of a request, or None when a bound is not a date-time."""
    lower, upper = as_instant(query.get(profile.lower)), as_instant(query.get(profile.upper))
    if lower is None or upper is None:
        return None
    category = query.get(profile.category_param) if profile.category_param else None
    return Window(
        api=profile.api, lower=lower, upper=upper, field=profile.order_field(dict(query)),
        category=category if isinstance(category, str) else None,
    )
