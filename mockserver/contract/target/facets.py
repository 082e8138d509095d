"""What a request reached of the semantic ground: the facets the semantic report draws per rule.

When a check fires (has something to verify), the request it judged is described by a few facets: for an edge
request sent on purpose, what is special about it (an expired token, a size above the cap, ...); for any page
request, the kind of window and the offsets of its bounds, the page's position, the size asked for, the ordered
field and the category. Counted per check, they show which edges of each rule a run put to the test.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.window import window_of
from mockserver.contract.target.wire import as_int

__all__ = ["FACETS", "facets"]

FACETS = ("edge", "window", "offset", "page", "size", "orderBy", "category", "token")
_OFFSET = re.compile(r"(Z|z|[+-][0-9]{2}:[0-9]{2})$", re.ASCII)


def _offset(value: Any) -> str:
    found = _OFFSET.search(value) if isinstance(value, str) else None
    return found.group(1).upper() if found else "none"


def _bucket(value: int | None, cap: int | None) -> str:
    if value is None:
        return "not an integer"
    if value < 1:
        return "below 1"
    if cap is not None and value > cap:
        return "above the cap"
    if cap is not None and value == cap:
        return "at the cap"
    return "1" if value == 1 else "2 or more"


def _token(headers: dict[str, Any], run_headers: dict[str, str]) -> str:
    given = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    if given is None:
        return "none"
    if given == run_headers.get("Authorization"):
        return "the run's token"
    scheme = str(given).partition(" ")[0]
    return "another scheme" if scheme.lower() != "bearer" else "another bearer token"


def facets(
    profile: ApiProfile, query: Any, headers: Any, run_headers: dict[str, str], edge: str | None
) -> list[tuple[str, str]]:
    """The facets of a request (its query and headers, as sent); ``edge`` says what is special about it when the run
    sent it on purpose."""
    query = dict(query) if isinstance(query, dict) else {}
    headers = {**run_headers, **dict(headers or {})}
    found = [("token", _token(headers, run_headers))]
    if edge is not None:
        found.append(("edge", edge))
    window = window_of(profile, query)
    if window is not None:
        kind = "inverted" if window.inverted else ("zero-width" if window.lower == window.upper else window.kind)
        found += [
            ("window", kind),
            ("offset", f"{_offset(query.get(profile.lower))} / {_offset(query.get(profile.upper))}"),
            ("orderBy", window.field),
        ]
        if window.category is not None:
            found.append(("category", window.category or "(empty)"))
    page = as_int(query.get(profile.page_param, profile.page_default))
    found.append(("page", _bucket(page, None)))
    size = as_int(query.get(profile.size_param, profile.size_default))
    found.append(("size", _bucket(size, profile.size_cap)))
    return found
