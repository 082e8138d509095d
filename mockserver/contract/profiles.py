"""What the contract tester needs to know about each API: read from its spec, plus the rules its prose states.

The spec's structure (parameters, their schemas, the operation's ``security``) is read from the spec; what
the descriptions state in prose (the window rule, the cap, where a page keeps its numbers) is one table per
API below, so that no check branches on an API's name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from mockserver.core.openapi import ApiId, load_spec, operation

__all__ = ["ApiProfile", "ParamSpec", "profile"]

_CAP = re.compile(r"capped\s+at\s+\*\*(\d+)\*\*")

WindowKind = Literal["half-open", "overlap"]


@dataclass(frozen=True)
class ParamSpec:
    """One declared parameter of the operation, as its schema states it."""

    name: str
    location: str  # query or header
    required: bool
    type: str
    format: str | None
    enum: tuple[Any, ...] | None
    minimum: int | None
    maximum: int | None
    pattern: str | None
    min_length: int | None
    default: Any
    example: Any
    schema: Mapping[str, Any]

    @classmethod
    def from_spec(cls, param: Mapping[str, Any]) -> ParamSpec:
        schema = param.get("schema", {})
        enum = schema.get("enum")
        return cls(
            name=param["name"], location=param["in"], required=bool(param.get("required", False)),
            type=schema.get("type", "string"), format=schema.get("format"),
            enum=tuple(enum) if enum is not None else None, minimum=schema.get("minimum"),
            maximum=schema.get("maximum"), pattern=schema.get("pattern"), min_length=schema.get("minLength"),
            default=schema.get("default"), example=param.get("example", schema.get("example")), schema=schema,
        )

    @property
    def typed(self) -> bool:
        """Whether an empty value is invalid (anything but a free string)."""
        return self.type != "string" or self.format is not None or self.enum is not None


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
    size_default: int
    size_cap: int  # the documented maximum page size (from the operation's description)
    page_default: int
    category_param: str | None
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
    params: tuple[ParamSpec, ...]

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

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)

    def query_params(self) -> tuple[ParamSpec, ...]:
        return tuple(p for p in self.params if p.location == "query")

    def header_params(self) -> tuple[ParamSpec, ...]:
        return tuple(p for p in self.params if p.location == "header")

    def fixed_headers(self) -> dict[str, str]:
        """Required headers whose value the spec fixes (a one-value enum)."""
        return {p.name: str(p.enum[0]) for p in self.header_params() if p.required and p.enum and len(p.enum) == 1}


def _at(body: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        body = body.get(key) if isinstance(body, dict) else None
    return body


def _default(params: tuple[ParamSpec, ...], name: str) -> int:
    found = next(p for p in params if p.name == name)
    return int(found.default)


def _cap(api: ApiId) -> int:
    found = _CAP.search(operation(api).spec.get("description", ""))
    if found is None:
        raise ValueError(f"spec/{api}.yaml: the operation's description states no 'capped at **N**'")
    return int(found.group(1))


def _scopes(api: ApiId) -> tuple[str, ...]:
    """The scopes every alternative of the operation's ``security`` requires (oauth2 and openIdConnect ones)."""
    spec = load_spec(api)
    requirements = operation(api).spec.get("security", spec.get("security", []))
    schemes = spec.get("components", {}).get("securitySchemes", {})
    needed: set[str] | None = None
    for requirement in requirements:
        scopes = {s for name, listed in requirement.items()
                  if schemes.get(name, {}).get("type") in ("oauth2", "openIdConnect") for s in listed}
        needed = scopes if needed is None else needed & scopes
    return tuple(sorted(needed or ()))


@functools.cache
def profile(api: ApiId) -> ApiProfile:
    load_spec(api)
    params = tuple(ParamSpec.from_spec(p) for p in operation(api).parameters)
    common: dict[str, Any] = {"api": api, "size_cap": _cap(api), "page_default": _default(params, "page"),
                              "scopes": _scopes(api), "params": params}
    if api == "events":
        order = next(p for p in params if p.name == "orderBy")
        assert order.enum is not None
        fields = (order.default, *(f for f in order.enum if f != order.default))
        return ApiProfile(
            **common, items_key="events", lower="from", upper="to", window="half-open", period=None,
            order_param="orderBy", order_fields=fields, size_param="limit", size_default=_default(params, "limit"),
            category_param="category", find_param=None, count_param=None, count_key="count", page_key=("page",),
            size_key=None, page_echo_is_requested=True, strict_pairs=(("start", "end"),),
            loose_pairs=(("created_at", "updated_at"),), null_together=(), null_unless=(), null_when_true=(),
            utc_millis=(), inert_params={},
            empty_matches_nothing=("category",),
        )
    return ApiProfile(
        **common, items_key="data", lower="scheduledStart", upper="scheduledEnd", window="overlap",
        period=("scheduledStart", "scheduledEnd"), order_param=None, order_fields=("scheduledStart",),
        size_param="pageSize", size_default=_default(params, "pageSize"), category_param=None, find_param="findId",
        count_param="includeCount", count_key="totalCount", page_key=("pagination", "page"),
        size_key=("pagination", "pageSize"), page_echo_is_requested=False,
        strict_pairs=(("scheduledStart", "scheduledEnd"),),
        loose_pairs=(("createdAt", "updatedAt"), ("actualStart", "actualEnd")),
        null_together=(("verifiedAt", "verifiedByUserId"),), null_unless=(("actualEnd", "actualStart"),),
        null_when_true=(("createdByUserId", "autoCreated"),),
        utc_millis=("scheduledStart", "scheduledEnd", "actualStart", "actualEnd", "verifiedAt", "archivedAt",
                    "updatedAt", "createdAt"),
        inert_params={"includeSites": ("true", "false"), "subPageSize": ("1", "-3", "500")},
        empty_matches_nothing=(),
    )
