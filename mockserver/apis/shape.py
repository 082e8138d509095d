"""The shape of an API's table: everything that differs between the list APIs, as data.

The server, the dataset loader and the contract tester read these fields and never an API's name:
where the window's bounds are and how they match, which parameters page and filter, where a page
body keeps its records and numbers, the coherence rules the spec states in prose, and how records
are generated. What the spec states in its structure (parameters, defaults, caps, security) is read
from the spec's compiled view, which the table names by file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from mockserver.core.instants import valid_instant
from mockserver.core.openapi import CompiledSpec, Operation, compile_spec, data_dir
from mockserver.core.query import Bound, Page, Query
from mockserver.core.store import Columns, Store

__all__ = ["ApiTable", "Generator", "Renderer", "Window"]

Renderer = Callable[[int], dict[str, Any]]
Generator = Callable[[int, int, int], tuple[Columns, Renderer]]  # (seed, count, anchor µs) -> columns, render

WindowKind = Literal["half-open", "overlap"]


@dataclass(frozen=True)
class Window:
    """The date window: its two parameters and how a record matches them.

    ``half-open``: ``lower <= record[order field] < upper``. ``overlap``: the record's ``period`` (start, end)
    overlaps the window, bounds included (``start <= upper and end >= lower``); an inverted window matches
    nothing.
    """

    kind: WindowKind
    lower: str
    upper: str
    period: tuple[str, str] | None = None


@dataclass(frozen=True)
class ApiTable:
    """One list API of the family."""

    name: str
    base_path: str  # where the spec's paths are served ("" for the root)
    items_key: str  # where a page keeps its records (also accepted at the top of a fixture file)
    window: Window
    order_fields: tuple[str, ...]  # the fields a page can be ordered (and windowed) by; the first is the default
    time_fields: tuple[str, ...]  # the record fields holding instants
    size_param: str
    page_param: str
    count_key: str  # where a page says how many records match
    page_key: tuple[str, ...]  # where a page says its page number
    generate: Generator
    order_param: str | None = None  # the parameter choosing the order field
    category_param: str | None = None  # exact-match filter on ``category_field``
    category_field: str | None = None
    find_param: str | None = None  # "the page where the record with this integer id is"
    count_param: str | None = None  # a boolean that asks for the count; None: the count is always given
    size_key: tuple[str, ...] | None = None  # where a page says its page size, if it does
    int_ids: bool = False
    spec_file: Path | None = None  # default: spec/{name}.yaml
    # The prose rules of the records (checked by the contract tester):
    strict_pairs: tuple[tuple[str, str], ...] = ()  # (earlier, later): earlier < later
    loose_pairs: tuple[tuple[str, str], ...] = ()  # (earlier, later): earlier <= later, null-tolerant
    null_together: tuple[tuple[str, str], ...] = ()  # fields null exactly when the other is
    null_unless: tuple[tuple[str, str], ...] = ()  # (a, b): a is null while b is
    null_when_true: tuple[tuple[str, str], ...] = ()  # (a, flag): a is null when the boolean flag is true
    utc_millis: tuple[str, ...] = ()  # record timestamps written in UTC with milliseconds
    inert_params: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # no effect; values to try
    empty_matches_nothing: tuple[str, ...] = ()  # string parameters whose empty value matches nothing

    def __post_init__(self) -> None:
        if (self.category_param is None) != (self.category_field is None):
            raise ValueError(f"{self.name}: category_param and category_field go together")
        if self.window.kind == "overlap" and self.window.period is None:
            raise ValueError(f"{self.name}: an overlap window needs the record's period (start, end) fields")

    @property
    def page_echo_is_requested(self) -> bool:
        """Whether the page number said back is always the requested one (no parameter moves it)."""
        return self.find_param is None

    @functools.cached_property
    def size_default(self) -> int:
        default = self.operation.param(self.size_param).default
        return default if isinstance(default, int) else self.size_cap

    @functools.cached_property
    def spec_path(self) -> Path:
        return self.spec_file or data_dir("spec") / f"{self.name}.yaml"

    @functools.cached_property
    def spec(self) -> CompiledSpec:
        return compile_spec(self.spec_path)

    @functools.cached_property
    def operation(self) -> Operation:
        return self.spec.list_operation

    @functools.cached_property
    def record_fields(self) -> tuple[str, ...]:
        """A record's fields in the spec's order: the order a generated record is written in."""
        return tuple(self.spec.item_schema(self.items_key).get("properties", {}))

    @functools.cached_property
    def indexed_fields(self) -> tuple[str, ...]:
        """The fields the store sorts by: the order fields, and the end of an overlap window's period (its order
        counts the matches of the window's low band, ``Store._band_count``)."""
        ends = (self.window.period[1],) if self.window.period is not None else ()
        return tuple(dict.fromkeys((*self.order_fields, *ends)))

    @functools.cached_property
    def size_cap(self) -> int:
        cap = self.operation.param(self.size_param).cap
        return cap if cap is not None else 2**63 - 1

    def to_query(self, params: Mapping[str, Any]) -> Query:
        """Validated parameters (defaults filled in) → the query they ask for."""
        lower, upper = valid_instant(params[self.window.lower]), valid_instant(params[self.window.upper])
        order = params.get(self.order_param, self.order_fields[0]) if self.order_param else self.order_fields[0]
        if self.window.kind == "half-open":
            bounds = (Bound(order, ">=", lower), Bound(order, "<", upper))
            empty = False
        else:
            assert self.window.period is not None
            start, end = self.window.period
            bounds = (Bound(start, "<=", upper), Bound(end, ">=", lower))
            empty = upper < lower  # even a record that spans both bounds
        return Query(
            order=order,
            bounds=bounds,
            empty=empty,
            page=params.get(self.page_param, 1),
            size=min(params.get(self.size_param, self.size_default), self.size_cap),
            category=params.get(self.category_param) if self.category_param else None,
            find_id=params.get(self.find_param) if self.find_param else None,
        )

    def page_body(self, store: Store, params: Mapping[str, Any]) -> dict[str, Any]:
        """Validated parameters → the page body, records embedded as their rendered JSON."""
        return self.answer(store, params)[0]

    def answer(self, store: Store, params: Mapping[str, Any]) -> tuple[dict[str, Any], Query, Page]:
        """The page body, with the query the parameters asked for and the page it found (to explain the answer)."""
        query = self.to_query(params)
        page = store.query(query)
        body: dict[str, Any] = {self.items_key: orjson.Fragment(store.page_json(page.indexes))}
        if self.count_param is None or params.get(self.count_param, False):
            body[self.count_key] = page.total
        _put(body, self.page_key, page.page)
        if self.size_key is not None:
            _put(body, self.size_key, page.size)
        return body, query, page


def _put(body: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        body = body.setdefault(key, {})
    body[path[-1]] = value
