"""A 200 page answer read once for the checks: the request's parameters, the page's records and numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.survey import Record
from mockserver.contract.target.window import Window, window_of
from mockserver.contract.target.wire import as_int, record_instant
from mockserver.core.instants import Instant

__all__ = ["PageView", "matches", "read_page"]


@dataclass(frozen=True)
class PageView:
    query: dict[str, Any]
    body: dict[str, Any]
    items: list[dict[str, Any]]
    window: Window
    page: int  # requested
    size: int  # requested
    served_page: int | None
    find_id: Any

    @property
    def ids(self) -> list[Any]:
        return [item.get("id") for item in self.items]

    def key(self, item: dict[str, Any]) -> Instant | None:
        return record_instant(item, self.window.field)

    def find_hit(self) -> bool:
        return self.find_id is not None and self.find_id in self.ids


def read_page(profile: ApiProfile, query: Mapping[str, Any], body: Any) -> PageView | None:
    """The page of a 200 answer's JSON ``body`` to a request with ``query``; None when it is not a page of records,
    or the request's window or paging cannot be read."""
    items = profile.items(body)
    query = dict(query)
    window = window_of(profile, query)
    page = as_int(query.get(profile.page_param, profile.page_default))
    size = as_int(query.get(profile.size_param, profile.size_default))
    if items is None or window is None or page is None or size is None:
        return None
    served = as_int(profile.served_page(body))
    find_id = as_int(query.get(profile.find_param)) if profile.find_param and profile.find_param in query else None
    return PageView(query, body, items, window, page, size, served, find_id)


def matches(view: PageView, record: Record) -> bool:
    return view.window.contains(record.times, record.category)
