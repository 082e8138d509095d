"""The edge requests of parameters: required headers, strict query strings, inert parameters, bounds."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mockserver.contract.requests.edge import Edge, EdgeContext
from mockserver.contract.target.expected import Expectation
from mockserver.core.instants import parse_instant
from mockserver.core.openapi import Param

__all__ = [
    "API_BAD_INTEGERS",
    "BAD_BOOLEANS",
    "BAD_INTEGERS",
    "BOUND_TEXTS",
    "MOCK_BOUND_TEXTS",
    "UNKNOWN_PARAM",
    "bounds",
    "header_rules",
    "inert",
    "query_strings",
]


_MS = 1000
# Date-time texts around RFC 3339's edges; each is judged valid or not by the parameter's own schema.
BOUND_TEXTS = (
    "2024-01-01T12:34Z",
    "2024-02-30T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-01-01",
    "2024-01-01T00:00:00",
    "2024-01-01 00:00:00Z",
    "٢٠٢٤-01-01T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-01-01T00:00:00+24:00",
    "10000-01-01T00:00:00Z",
    "2024-01-01T12:00:60Z",
    "null",
    "true",
    "0.5",
    "0",
    "0000-01-01T00:00:00Z",
    "2016-12-31T23:59:60Z",
    "2024-01-01T00:00:00.123456789Z",
    "2024-01-01t00:00:00z",
    "9999-12-31T23:59:59-01:00",
    "0000-01-01T00:00:00+23:59",
    "2024-02-29T00:00:00Z",
    "2024-01-01T00:00:00.5+05:30",
)
BAD_INTEGERS = ("+1", "١", "1_0", " 1", "1.0", "0x1", "1e1", "one")
API_BAD_INTEGERS = frozenset({"0x1", "one"})  # not integers to any server; the rest are refused by the mock's choice
BAD_BOOLEANS = ("TRUE", "True", "1", "yes")
# Bound texts judged by the mock's own reading of RFC 3339 (a faithful server may accept or refuse them): leap seconds,
# year 0000, nine fraction digits, lower-case separators, instants that overflow a year when moved to UTC.
MOCK_BOUND_TEXTS = frozenset(
    {
        "2024-01-01T12:00:60Z",
        "0000-01-01T00:00:00Z",
        "2016-12-31T23:59:60Z",
        "2024-01-01T00:00:00.123456789Z",
        "2024-01-01t00:00:00z",
        "9999-12-31T23:59:59-01:00",
        "0000-01-01T00:00:00+23:59",
    }
)
UNKNOWN_PARAM = "zz-unknown-parameter"


def _valid(param: Param, text: str) -> bool:
    """Whether ``text`` satisfies a date-time parameter's schema: RFC 3339 (ASCII digits) and its pattern."""
    if parse_instant(text) is None:
        return False
    return param.pattern is None or re.search(param.pattern, text, re.ASCII) is not None


def _named(value: str) -> str | None:
    """The value a detail must show, when it can be shown as it is (printable ASCII, no edge spaces)."""
    return value if value and value.isascii() and value.isprintable() and value.strip() == value else None


def _sample(param: Param) -> str:
    value = param.example if param.example is not None else param.default
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def header_rules(ctx: EdgeContext) -> Iterator[Edge]:
    for param in ctx.profile.header_params():
        if not param.required:
            continue
        name = param.name
        rest = {k: v for k, v in ctx.headers.items() if k.lower() != name.lower()}
        check, rule = "required_headers_enforced", f"{name} is required: missing, blank or another value → 400"
        # A deployment refuses it; 400 is the mock's status (a session token may be refused as credentials, a
        # media type with 415 Unsupported Media Type).
        refused = (400,) if ctx.mock_rules else (400, 401) if param.free_header else (400, 415)
        yield Edge(ctx.base(), rest, Expectation(check, rule, f"no {name} header", refused, param=name))
        if param.pattern is not None or param.min_length:
            yield Edge(
                ctx.base(),
                {**rest, name: ""},
                Expectation(check, rule, f"{name}: '' (blank)", (400,), param=name, mock=True),
            )
        if param.enum:
            value = str(param.enum[0])
            for other in ("text/plain" if "/" in value else "other", f"{value}; charset=utf-8"):
                yield Edge(
                    ctx.base(),
                    {**rest, name: other},
                    Expectation(
                        check,
                        rule + "; a media type compares without parameters",
                        f"{name}: {other}",
                        refused,
                        param=name,
                        mock=";" in other,  # refusing a parameter of the one allowed type is the mock's choice
                    ),
                )
            if name.lower() == "content-type":
                for variant in (value.upper(), value.title()):
                    yield Edge(
                        ctx.base(),
                        {**rest, name: variant},
                        Expectation(check, "media types compare case-insensitively", f"{name}: {variant}", (200,)),
                    )


def query_strings(ctx: EdgeContext) -> Iterator[Edge]:
    check = "query_strings_strict"
    base = ctx.base()
    for param in ctx.profile.query_params():
        name = param.name
        if param.type == "integer":
            for value in BAD_INTEGERS:
                yield Edge(
                    {**base, name: value},
                    ctx.headers,
                    Expectation(
                        check,
                        "integers are ASCII -?[0-9]+ → else 400",
                        f"{name}={value!r}",
                        (400,),
                        param=name,
                        value=_named(value),
                        mock=value not in API_BAD_INTEGERS,
                    ),
                )
        if param.type == "boolean":
            for value in BAD_BOOLEANS:
                yield Edge(
                    {**base, name: value},
                    ctx.headers,
                    Expectation(
                        check,
                        "booleans are true or false → else 400",
                        f"{name}={value!r}",
                        (400,),
                        param=name,
                        value=_named(value),
                        mock=True,
                    ),
                )
        twice = [str(base[name]), str(base[name])] if name in base else [_sample(param)] * 2
        yield Edge(
            {**base, name: twice},
            ctx.headers,
            Expectation(check, "a parameter given twice → 400", f"{name} given twice", (400,), param=name, mock=True),
        )
        if param.typed:
            yield Edge(
                {**base, name: ""},
                ctx.headers,
                Expectation(check, "an empty value → 400", f"{name}= (empty)", (400,), param=name, mock=True),
            )
        elif name in ctx.profile.empty_matches_nothing and ctx.mock_rules:
            yield Edge({**base, name: ""}, ctx.headers)  # the page checks: the mock matches nothing
        if param.required:
            yield Edge(
                {k: v for k, v in base.items() if k != name},
                ctx.headers,
                Expectation(check, "a required parameter is required", f"no {name}", (400,), param=name),
            )
        if param.format == "date-time":
            spaced = "2016-01-01T08:00:00 08:00"
            yield Edge(
                {**base, name: spaced},
                ctx.headers,
                Expectation(
                    check,
                    "a '+' in a query string is a space: an offset's '+' must be sent as %2B",
                    f"{name}={spaced!r} (an unencoded '+')",
                    (400,),
                    param=name,
                ),
            )
    yield Edge(
        {**base, UNKNOWN_PARAM: "1"},
        ctx.headers,
        Expectation("no_effect_parameters", "unknown parameters are ignored", f"{UNKNOWN_PARAM}=1", (200,), mock=True),
        baseline=base,
    )


def inert(ctx: EdgeContext) -> Iterator[Edge]:
    base = ctx.base()
    for name, values in ctx.profile.inert_params.items():
        for value in values:
            yield Edge(
                {**base, name: value},
                ctx.headers,
                Expectation(
                    "no_effect_parameters",
                    f"{name} has no effect on the documented fields",
                    f"{name}={value}",
                    (200,),
                    mock=True,
                ),
                baseline=base,
            )


def bounds(ctx: EdgeContext) -> Iterator[Edge]:
    for param in ctx.profile.query_params():
        if param.format == "date-time":
            for text in BOUND_TEXTS:
                query = ctx.base(**{param.name: text})
                ok = _valid(param, text)
                yield Edge(
                    query,
                    ctx.headers,
                    Expectation(
                        "bounds_validated",
                        "bounds are RFC 3339 date-times (seconds required, any fraction digits, "
                        "year 0000, leap seconds, ASCII digits)"
                        + (" matching the parameter's pattern" if param.pattern else ""),
                        f"{param.name}={text!r}",
                        (200,) if ok else (400,),
                        param=None if ok else param.name,
                        value=None if ok else _named(text),
                        mock=text in MOCK_BOUND_TEXTS,
                    ),
                )
        if param.type == "integer" and param.minimum is not None and param.maximum is not None:
            for value, ok in (
                (param.minimum, True),
                (param.maximum, True),
                (param.minimum - 1, False),
                (param.maximum + 1, False),
            ):
                yield Edge(
                    ctx.base(**{param.name: value}),
                    ctx.headers,
                    Expectation(
                        "bounds_validated",
                        f"{param.name} within {param.minimum}..{param.maximum}",
                        f"{param.name}={value}",
                        (200,) if ok else (400,),
                        param=None if ok else param.name,
                        value=None if ok else str(value),
                        mock="minimum" in param.mock_keywords,  # the mock's bound, not the document's
                    ),
                )
