"""A request's query string and headers read by the API's rules: typed values, or a 400 problem naming the
parameter and the value (the alternative deployment reads them more leniently, as the documents allow)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from tests.deployments.config import Config
from tests.deployments.instants import instant, interventions_bound
from tests.deployments.problems import ProblemError

__all__ = ["EventsQuery", "InterventionsQuery", "events_query", "interventions_headers", "interventions_query"]

INT64 = 9223372036854775807
INT53 = 9007199254740991
INT32 = 2**31 - 1
ORDER_FIELDS = ("start", "end", "created_at", "updated_at")
_STRICT_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_LENIENT_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_BOOLEANS = {"true": True, "false": False}
_LENIENT_BOOLEANS = {**_BOOLEANS, "True": True, "False": False, "1": True, "0": False}


@dataclass(frozen=True)
class EventsQuery:
    lower: Fraction
    upper: Fraction
    limit: int
    page: int
    category: str | None
    order_by: str


@dataclass(frozen=True)
class InterventionsQuery:
    lower: Fraction
    upper: Fraction
    page: int
    page_size: int
    find_id: int | None
    include_count: bool


class _Reader:
    """The known parameters of one query string, one value each."""

    def __init__(self, items: Sequence[tuple[str, str]], known: tuple[str, ...], config: Config) -> None:
        self.config = config
        self.values: dict[str, str] = {}
        for name, value in items:
            if name not in known:
                continue  # unknown parameters are ignored
            if name in self.values and not config.alternative:
                given = [v for n, v in items if n == name]
                raise ProblemError(400, f"{name} is given {len(given)} times ({given!r}): give it once")
            self.values.setdefault(name, value)

    def text(self, name: str, expected: str, *, required: bool = False, blank_ok: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None:
            if required:
                raise ProblemError(400, f"{name} is required: expected {expected}")
            return None
        if value == "" and not blank_ok:
            raise ProblemError(400, f"{name}='' is empty: expected {expected}")
        return value

    def integer(self, name: str, default: int | None, limit: int) -> int | None:
        expected = f"an integer from -{limit} to {limit}"
        value = self.text(name, expected)
        if value is None:
            return default
        pattern = _LENIENT_INTEGER if self.config.alternative else _STRICT_INTEGER
        if not pattern.fullmatch(value):
            raise ProblemError(400, f"{name}={value!r} is not an integer: expected {expected}")
        number = int(value)
        if not -limit <= number <= limit:
            raise ProblemError(400, f"{name}={value!r} is out of range: expected {expected}")
        return number

    def boolean(self, name: str, *, required: bool = False) -> bool:
        known = _LENIENT_BOOLEANS if self.config.alternative else _BOOLEANS
        expected = " or ".join(known)
        value = self.text(name, expected, required=required)
        if value is None:
            return False
        if value not in known:
            raise ProblemError(400, f"{name}={value!r} is not a boolean: expected {expected}")
        return known[value]


def _bound(reader: _Reader, name: str, example: str, interventions: bool) -> Fraction:
    expected = f"an RFC 3339 date-time with seconds, e.g. {example}"
    if interventions:
        expected += ", in UTC (Z) as the document's pattern says"
    value = reader.text(name, expected, required=True)
    assert value is not None
    found = interventions_bound(value) if interventions else instant(value)
    if found is None:
        hint = " (a '+' must be sent as %2B in a query string)" if " " in value else ""
        raise ProblemError(400, f"{name}={value!r} is not a date-time{hint}: expected {expected}")
    return found


def events_query(items: Sequence[tuple[str, str]], config: Config) -> EventsQuery:
    reader = _Reader(items, ("from", "to", "limit", "page", "category", "orderBy"), config)
    limit = INT32 if config.alternative else INT64
    lower = _bound(reader, "from", "2015-01-01T00:00:00.000Z", False)
    upper = _bound(reader, "to", "2016-01-01T00:00:00.000Z", False)
    size = reader.integer("limit", 5, limit)
    page = reader.integer("page", 1, limit)
    order_by = reader.text("orderBy", " or ".join(ORDER_FIELDS)) or "start"
    if order_by not in ORDER_FIELDS:
        raise ProblemError(400, f"orderBy={order_by!r} is not one of {', '.join(ORDER_FIELDS)}")
    category = reader.text("category", "a category", blank_ok=True)
    assert size is not None and page is not None
    return EventsQuery(lower, upper, size, page, category, order_by)


def interventions_query(items: Sequence[tuple[str, str]], config: Config) -> InterventionsQuery:
    known = ("includeCount", "page", "pageSize", "findId", "subPageSize", "scheduledEnd", "scheduledStart")
    reader = _Reader(items, (*known, "includeSites"), config)
    lower = _bound(reader, "scheduledStart", "2024-12-01T00:00:00.000Z", True)
    upper = _bound(reader, "scheduledEnd", "2024-12-31T23:59:59.000Z", True)
    page = reader.integer("page", 1, INT53)
    size = reader.integer("pageSize", 50, INT53)
    find_id = reader.integer("findId", None, INT53)
    reader.integer("subPageSize", 10, INT53)
    include_count = reader.boolean("includeCount")
    reader.boolean("includeSites", required=True)
    assert page is not None and size is not None
    return InterventionsQuery(lower, upper, page, size, find_id, include_count)


def interventions_headers(headers: dict[str, str]) -> None:
    """The two headers the document requires on this GET: a non-blank session token and application/json."""
    session = headers.get("x-session-token")
    if session is None or not session.strip():
        shown = "missing" if session is None else f"blank ({session!r})"
        raise ProblemError(400, f"header x-session-token is {shown}: expected any non-blank session token")
    media = headers.get("content-type")
    if media is None:
        raise ProblemError(400, "header content-type is missing: expected application/json")
    if media.strip().lower() != "application/json":
        raise ProblemError(400, f"header content-type={media!r} is not application/json")
