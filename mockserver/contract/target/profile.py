"""What the contract tester knows of an API: its table's fields and its spec's compiled view, as one value.

The spec's structure (parameters, their schemas, defaults, the page cap, the operation's ``security``)
comes from the compiled spec; what the descriptions state in prose (the window rule, where a page keeps
its numbers, the coherence of a record's fields) comes from the API's table (``mockserver.apis``).
No check branches on an API's name: they read these fields.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.apis import table
from mockserver.apis.shape import ApiTable, WindowKind
from mockserver.core.openapi import ApiId, Param

__all__ = ["ApiProfile", "profile"]


@dataclass(frozen=True)
class ApiProfile:
    """Names of the parameters and fields that the checks read, and the prose rules, per API."""

    api: ApiId
    items_key: str  # where a page keeps its records
    lower: str  # the window's lower bound parameter
    upper: str  # the window's upper bound parameter
    window: WindowKind  # half-open on the ordered field (events) or overlap of a record's period (interventions)
    period: tuple[str, str] | None  # a record's (start, end) fields, for an overlap window
    order_param: str | None  # the parameter choosing the ordered field (events)
    order_fields: tuple[str, ...]  # the fields a page can be ordered by; the first is the default
    size_param: str
    page_param: str
    size_default: int
    size_cap: int  # the documented maximum page size (x-capped-at on the size parameter)
    page_default: int
    category_param: str | None
    category_field: str | None  # the record field that category_param filters on
    find_param: str | None
    count_param: str | None  # the boolean asking for a count (interventions' includeCount)
    count_key: str  # where a page says how many records match
    page_key: tuple[str, ...]  # where a page says its page number
    size_key: tuple[str, ...] | None  # where a page says its page size, if it does
    page_echo_is_requested: bool  # the page number said back is always the requested one (no findId)
    strict_pairs: tuple[tuple[str, str], ...]  # (earlier, later): earlier < later
    loose_pairs: tuple[tuple[str, str], ...]  # (earlier, later): earlier <= later, null-tolerant
    null_together: tuple[tuple[str, str], ...]  # fields null exactly when the other is
    null_unless: tuple[tuple[str, str], ...]  # (a, b): a is null while b is (an end without a start is not)
    null_when_true: tuple[tuple[str, str], ...]  # (a, flag): a is null when the boolean flag is true
    utc_millis: tuple[str, ...]  # record timestamps written in UTC with milliseconds
    inert_params: Mapping[str, tuple[str, ...]]  # parameters with no effect, and values to try
    empty_matches_nothing: tuple[str, ...]  # string parameters whose empty value matches nothing
    scopes: tuple[str, ...]  # what the operation's security requires of a bearer token
    params: tuple[Param, ...]

    def items(self, body: Any) -> list[dict[str, Any]] | None:
        """The records of a page body, or None when the body has no list where the spec puts it."""
        items = body.get(self.items_key) if isinstance(body, dict) else None
        if isinstance(items, list) and all(isinstance(i, dict) for i in items):
            return items
        return None

    def count(self, body: dict[str, Any]) -> int | None:
        value = body.get(self.count_key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def served_page(self, body: dict[str, Any]) -> Any:
        return _at(body, self.page_key)

    def served_size(self, body: dict[str, Any]) -> Any:
        return None if self.size_key is None else _at(body, self.size_key)

    @property
    def time_fields(self) -> tuple[str, ...]:
        """The record fields that windows and ordering compare."""
        return tuple(dict.fromkeys((*self.order_fields, *(self.period or ()))))

    def order_field(self, query: Mapping[str, Any]) -> str:
        value = query.get(self.order_param) if self.order_param else None
        return value if isinstance(value, str) and value in self.order_fields else self.order_fields[0]

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def query_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "query")

    def header_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "header")

    def fixed_headers(self) -> dict[str, str]:
        """Required headers whose value the spec fixes (a one-value enum)."""
        return {p.name: str(p.enum[0]) for p in self.header_params() if p.required and p.enum and len(p.enum) == 1}


def _at(body: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        body = body.get(key) if isinstance(body, dict) else None
    return body


def _int_default(served: ApiTable, name: str, fallback: int) -> int:
    default = served.operation.param(name).default
    return int(default) if isinstance(default, int) else fallback


@functools.cache
def profile(api: ApiId) -> ApiProfile:
    """The profile of a registered API: its table's fields, and what its spec states in its structure."""
    served = table(api)
    op = served.operation
    window = served.window
    return ApiProfile(
        api=api,
        items_key=served.items_key,
        lower=window.lower,
        upper=window.upper,
        window=window.kind,
        period=window.period,
        order_param=served.order_param,
        order_fields=served.order_fields,
        size_param=served.size_param,
        page_param=served.page_param,
        size_default=served.size_default,
        size_cap=served.size_cap,
        page_default=_int_default(served, served.page_param, 1),
        category_param=served.category_param,
        category_field=served.category_field,
        find_param=served.find_param,
        count_param=served.count_param,
        count_key=served.count_key,
        page_key=served.page_key,
        size_key=served.size_key,
        page_echo_is_requested=served.page_echo_is_requested,
        strict_pairs=served.strict_pairs,
        loose_pairs=served.loose_pairs,
        null_together=served.null_together,
        null_unless=served.null_unless,
        null_when_true=served.null_when_true,
        utc_millis=served.utc_millis,
        inert_params=served.inert_params,
        empty_matches_nothing=served.empty_matches_nothing,
        scopes=op.security.scopes,
        params=op.parameters,
    )
