"""What the contract tester needs to know about each API, read from its spec wherever the spec says it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from mockserver.specs import ApiId, load_spec, operation

__all__ = ["ApiProfile", "profile"]

_CAP = re.compile(r"capped\s+at\s+\*\*(\d+)\*\*")


@dataclass(frozen=True)
class ApiProfile:
    """Names of the parameters and fields that the semantic checks read, per API."""

    api: ApiId
    items_key: str  # where a page keeps its records
    lower: str  # the window's lower bound parameter
    upper: str  # the window's upper bound parameter
    order_param: str | None  # the parameter choosing the ordered field (events)
    order_fields: tuple[str, ...]  # the fields a page can be ordered by; the first is the default
    size_param: str
    size_default: int
    size_cap: int  # the documented maximum page size (from the operation's description)
    page_default: int
    category_param: str | None
    find_param: str | None
    count_param: str | None  # the boolean asking for a count (interventions' includeCount)
    coherent_pairs: tuple[tuple[str, str], ...]  # (earlier, later) fields of a record, null-tolerant
    requires_scope: bool
    required_headers: tuple[tuple[str, str], ...]  # fixed headers the document requires

    def items(self, body: Any) -> list[dict[str, Any]] | None:
        """The records of a page body, or None when the body has no list where the spec puts it."""
        items = body.get(self.items_key) if isinstance(body, dict) else None
        if isinstance(items, list) and all(isinstance(i, dict) for i in items):
            return items
        return None

    def count(self, body: dict[str, Any]) -> int | None:
        value = body.get("count" if self.api == "events" else "totalCount")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def served_page(self, body: dict[str, Any]) -> Any:
        if self.api == "events":
            return body.get("page")
        pagination = body.get("pagination")
        return pagination.get("page") if isinstance(pagination, dict) else None

    def served_size(self, body: dict[str, Any]) -> Any:
        pagination = body.get("pagination") if self.api == "interventions" else None
        return pagination.get("pageSize") if isinstance(pagination, dict) else None

    @property
    def time_fields(self) -> tuple[str, ...]:
        """The record fields that windows and ordering compare."""
        return self.order_fields if self.api == "events" else ("scheduledStart", "scheduledEnd")

    def order_field(self, query: dict[str, Any]) -> str:
        value = query.get(self.order_param) if self.order_param else None
        return value if isinstance(value, str) and value in self.order_fields else self.order_fields[0]


def _default(api: ApiId, name: str) -> int:
    for param in operation(api).parameters:
        if param["name"] == name:
            return int(param["schema"]["default"])
    raise KeyError(name)


def _cap(api: ApiId) -> int:
    found = _CAP.search(operation(api).spec.get("description", ""))
    if found is None:
        raise ValueError(f"spec/{api}.yaml: the operation's description states no 'capped at **N**'")
    return int(found.group(1))


@functools.cache
def profile(api: ApiId) -> ApiProfile:
    load_spec(api)
    if api == "events":
        order = next(p for p in operation(api).parameters if p["name"] == "orderBy")["schema"]
        fields = (order["default"], *(f for f in order["enum"] if f != order["default"]))
        return ApiProfile(
            api=api, items_key="events", lower="from", upper="to", order_param="orderBy", order_fields=fields,
            size_param="limit", size_default=_default(api, "limit"), size_cap=_cap(api),
            page_default=_default(api, "page"), category_param="category", find_param=None, count_param=None,
            coherent_pairs=(("start", "end"), ("created_at", "updated_at")), requires_scope=True,
            required_headers=(),
        )
    return ApiProfile(
        api=api, items_key="data", lower="scheduledStart", upper="scheduledEnd", order_param=None,
        order_fields=("scheduledStart",), size_param="pageSize", size_default=_default(api, "pageSize"),
        size_cap=_cap(api), page_default=_default(api, "page"), category_param=None, find_param="findId",
        count_param="includeCount",
        coherent_pairs=(("scheduledStart", "scheduledEnd"), ("createdAt", "updatedAt"), ("actualStart", "actualEnd")),
        requires_scope=False, required_headers=(("content-type", "application/json"),),
    )
