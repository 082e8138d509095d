"""Per-API mappings: wire parameters to a Query, a Page to wire JSON, and how records are made.

The two APIs differ only in data: the generic handler, store and loader work from these tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.query import Page, Query
from mockserver.specs import ApiId
from mockserver.store import Columns

__all__ = ["ApiMapping", "mapping"]

Renderer = Callable[[int], dict[str, Any]]


@dataclass(frozen=True)
class ApiMapping:
    """Everything that differs between the APIs."""

    api: ApiId
    base_path: str
    list_key: str  # where a page keeps its records (also accepted at the top of a fixture file)
    time_fields: tuple[str, ...]
    category_field: str | None
    int_ids: bool
    to_query: Callable[[Mapping[str, Any]], Query]
    page_body: Callable[[Page, Mapping[str, Any], list[Any]], dict[str, Any]]
    generate: Callable[[int, int, int], tuple[Columns, Renderer]]


def mapping(api: ApiId) -> ApiMapping:
    if api == "interventions":
        from mockserver.apis import interventions

        return interventions.MAPPING
    from mockserver.apis import events

    return events.MAPPING
