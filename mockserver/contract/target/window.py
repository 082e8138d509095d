"""The documents' window rules on exact instants: half-open on the ordered field, or overlapping a period."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.apis.shape import WindowKind
from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.wire import as_instant
from mockserver.core.instants import Instant

__all__ = ["Window", "window_of"]


@dataclass(frozen=True)
class Window:
    """What a request asks for: its bounds, the field they apply to and the category (None: any)."""

    kind: WindowKind
    lower: Instant
    upper: Instant
    field: str
    category: str | None
    period: tuple[str, str] | None = None
    empty_category_matches_nothing: bool = False  # the spec says `category=` (empty) matches nothing
    lower_name: str = "from"
    upper_name: str = "to"

    @property
    def matches_nothing_by_category(self) -> bool:
        return self.category == "" and self.empty_category_matches_nothing

    def contains(self, times: Mapping[str, Instant], category: str | None) -> bool:
        if self.matches_nothing_by_category:
            return False
        return (self.category is None or category == self.category) and self.spans(times)

    @property
    def inverted(self) -> bool:
        """Whether the window matches nothing, whatever the data."""
        return self.upper <= self.lower if self.kind == "half-open" else self.upper < self.lower

    def spans(self, times: Mapping[str, Instant]) -> bool:
        """Whether a record with these instants lies in the window (whatever its category)."""
        if self.inverted:
            return False
        if self.kind == "half-open":
            value = times.get(self.field)
            return value is not None and self.lower <= value < self.upper
        assert self.period is not None
        start, end = times.get(self.period[0]), times.get(self.period[1])
        return start is not None and end is not None and start <= self.upper and end >= self.lower

    def describe(self) -> str:
        if self.kind == "half-open":
            lower, upper = self.lower_name, self.upper_name
            return f"{self.field} in [{lower}, {upper}) (nothing when {lower} >= {upper})"
        start, end = self.period or ("start", "end")
        return f"{start} <= q.{end} and {end} >= q.{start} (nothing when the window is inverted)"


def window_of(profile: ApiProfile, query: Mapping[str, Any]) -> Window | None:
    """The window of a request, or None when a bound is not a date-time."""
    lower, upper = as_instant(query.get(profile.lower)), as_instant(query.get(profile.upper))
    if lower is None or upper is None:
        return None
    category = query.get(profile.category_param) if profile.category_param else None
    return Window(
        kind=profile.window,
        lower=lower,
        upper=upper,
        field=profile.order_field(query),
        category=category if isinstance(category, str) else None,
        period=profile.period,
        empty_category_matches_nothing=profile.category_param in profile.empty_matches_nothing,
        lower_name=profile.lower,
        upper_name=profile.upper,
    )
