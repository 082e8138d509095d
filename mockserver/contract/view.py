"""A 200 page answer read once for the checks: the request's parameters, the page's records and numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemathesis import GenerationMode
from schemathesis.core.transport import Response

from mockserver.contract.landscape import Record
from mockserver.contract.profiles import ApiProfile
from mockserver.contract.state import RunState
from mockserver.contract.types import Case
from mockserver.contract.window import Window, window_of
from mockserver.contract.wire import as_bool, as_int, record_instant
from mockserver.core.instants import Instant

__all__ = ["PageView", "page_view"]


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


def _read(profile: ApiProfile, case: Case, response: Response) -> PageView | None:
    if response.status_code != 200 or not isinstance(case.query, dict):
        return None
    if case.meta is not None and case.meta.generation.mode != GenerationMode.POSITIVE:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    items = profile.items(body)
    query = dict(case.query)
    window = window_of(profile, query)
    page = as_int(query.get(profile.page_param, profile.page_default))
    size = as_int(query.get(profile.size_param, profile.size_default))
    if items is None or window is None or page is None or size is None:
        return None
    served = as_int(profile.served_page(body))
    find_id = as_int(query.get(profile.find_param)) if profile.find_param and profile.find_param in query else None
    return PageView(query, body, items, window, page, size, served, find_id)


def page_view(state: RunState, case: Case, response: Response) -> PageView | None:
    """The page, with the run's coverage counted once per case."""
    view = _read(state.profile, case, response)
    if view is None:
        return None
    with state.lock:
        if case.id not in state.seen_cases:
            state.seen_cases.add(case.id)
            cov = state.coverage
            cov.responses += 1
            if view.items:
                cov.non_empty += 1
                cov.pages[view.served_page if view.served_page is not None else view.page] += 1
                cov.order_by[view.window.field] += 1
                for name in (state.profile.category_param, state.profile.find_param, state.profile.count_param):
                    if name and name in view.query and (name != state.profile.count_param or as_bool(view.query[name])):
                        cov.filters[name] += 1
    return view


def matches(view: PageView, record: Record) -> bool:
    return view.window.contains(record.times, record.category)
