"""The answer the spec's rules give to a request, computed from the records the survey knows.

Where the survey knows every record that could match (see ``Landscape.known_below``), the rules fix the whole
answer: the matches in order, their count, and the page served. The checks compare the target's answer with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.survey import Landscape, Record
from mockserver.contract.target.window import Window

__all__ = ["Expectation", "Expected", "expected_matches", "expected_page"]


def expected_matches(profile: ApiProfile, land: Landscape, window: Window) -> list[Record] | None:
    """Every record the window matches, in the documented order; None when the survey cannot know them all."""
    if window.inverted or window.matches_nothing_by_category:
        return []
    if window.kind == "half-open":
        known = land.known_below(window.field, window.upper)
    else:
        assert window.period is not None
        known = land.known_below(window.period[0], window.upper, inclusive=True)
    if not known:
        return None
    found = [r for r in land.records if window.contains(r.times, r.category) and window.field in r.times]
    return sorted(found, key=lambda r: (r.times[window.field], r.id))


@dataclass(frozen=True)
class Expected:
    """The page the rules give: its number, its size as served and its records."""

    page: int
    size: int
    records: list[Record]
    total: int
    find_hit: bool


def expected_page(profile: ApiProfile, matches: list[Record], page: int, size: int, find_id: object) -> Expected:
    """The documented paging: 1-based pages of ``min(size, cap)``; a ``findId`` hit picks the page that holds it."""
    served_size = min(size, profile.size_cap)
    hit = False
    if find_id is not None and size >= 1:
        at = next((n for n, r in enumerate(matches) if r.id == find_id), None)
        if at is not None:
            page, hit = at // served_size + 1, True
    if page < 1 or size < 1:
        return Expected(page, served_size, [], len(matches), hit)
    start = (page - 1) * served_size
    return Expected(page, served_size, matches[start : start + served_size], len(matches), hit)


@dataclass(frozen=True)
class Expectation:
    """What an edge request the run sends on purpose must get, and the check and rule that say so."""

    check: str
    rule: str  # the spec's rule, as the failure text states it
    request: str  # what is special about the request, for a person
    statuses: tuple[int, ...]
    param: str | None = None  # the parameter a 400's detail must name
    value: str | None = None  # the value it must name
    challenge: bool = False  # a 401 must carry WWW-Authenticate: Bearer
    same_as: Any = None  # the body a 200 must equal (set once the baseline was fetched)
    mock: bool = False  # the rule is the mock's own decision: judged on the mock only, never on a deployment
