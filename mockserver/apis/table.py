"""The shape of a per-API mapping table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.core.openapi import ApiId
from mockserver.core.query import Page, Query
from mockserver.core.store import Columns

__all__ = ["ApiMapping", "Renderer"]

Renderer = Callable[[int], dict[str, Any]]


@dataclass(frozen=True)
class ApiMapping:
    """Everything that differs between the APIs."""

    api: ApiId
    base_path: str
    list_key: str  # where a page keeps its records (also accepted at the top of a fixture file)
    time_fields: tuple[str, ...]
    order_fields: tuple[str, ...]  # the time fields results are ordered (and searched) by
    category_field: str | None
    int_ids: bool
    to_query: Callable[[Mapping[str, Any]], Query]
    page_body: Callable[[Page, Mapping[str, Any], list[Any]], dict[str, Any]]
    generate: Callable[[int, int, int], tuple[Columns, Renderer]]
