"""The requests where each rule can break, built from the spec and the survey: sent on purpose, not left to luck.

Generated fuzzing finds what nobody thought of; these find what the spec's prose says, at its edges, whatever the
example budget: windows a microsecond or a millisecond around the instants of real records, inverted and
zero-width windows, ties, offsets other than ``Z``, the last page and past it, sizes above the cap and below 1,
credentials that must be refused or accepted, header and query-string values the spec refuses, malformed and
extreme bounds. Each edge either carries an :class:`Expectation` (its status, the check and rule that judge it)
or is a valid request whose page the page checks judge against the rules.
"""

from __future__ import annotations

import base64
import collections
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import orjson

from mockserver.contract.target.expected import Expectation
from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.survey import Landscape, Record, wide_query
from mockserver.core.instants import Instant, format_instant, parse_instant
from mockserver.core.openapi import Param

__all__ = ["Credentials", "Edge", "edges", "render", "with_baseline"]

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
_OFFSETS = (5 * 60 + 30, -(9 * 60 + 30), 14 * 60, -12 * 60)


@dataclass(frozen=True)
class Edge:
    """One request to send: its query and headers, what it must get, and the request whose answer it must equal."""

    query: dict[str, Any]
    headers: dict[str, str]
    expectation: Expectation | None = None  # None: a valid request, judged by the page checks
    baseline: dict[str, Any] | None = None  # a query whose 200 body this one's must equal


def render(instant: Instant, offset_minutes: int = 0, digits: int = 3) -> str:
    """An RFC 3339 text of ``instant`` at ``offset_minutes`` with at least ``digits`` fraction digits."""
    micros = instant.micros
    base = format_instant(micros, offset_minutes)
    if len(base.split("-", 1)[0]) != 4 or base.startswith("-"):
        base, offset_minutes = format_instant(micros, 0), 0
    head, zone = base[:19], base[23:]
    fraction = f"{micros % 1_000_000:06d}{instant.rest}"
    digits = max(digits, len(fraction.rstrip("0")))
    return head + zone if digits == 0 else f"{head}.{(fraction + '0' * 9)[:digits]}{zone}"


def _plus(instant: Instant, micros: int) -> Instant:
    return Instant(instant.micros + micros, instant.rest)


def _just_after(instant: Instant) -> Instant:
    """100 ns after ``instant`` (below a microsecond: a bound compared coarsely shows up here)."""
    return Instant(instant.micros, instant.rest + "1" if instant.rest else "1")


def _valid(param: Param, text: str) -> bool:
    """Whether ``text`` satisfies a date-time parameter's schema: RFC 3339 (ASCII digits) and its pattern."""
    if parse_instant(text) is None:
        return False
    return param.pattern is None or re.search(param.pattern, text, re.ASCII) is not None


def _named(value: str) -> str | None:
    """The value a detail must show, when it can be shown as it is (printable ASCII, no edge spaces)."""
    return value if value and value.isascii() and value.isprintable() and value.strip() == value else None


def _jwt(claims: dict[str, Any]) -> str:
    """A JWT with exactly these claims and a signature no server issued (the mock checks none; a deployment refuses
    it)."""

    def part(data: Any) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(data)).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


@dataclass(frozen=True)
class Credentials:
    """The tokens a run may judge with: the run's own, and those the user gave for refusals and scopes."""

    unscoped: str | None = None  # a token without the operation's scope
    unscoped_given: bool = False  # the user gave it (else the tester minted it: the mock's rule only)
    expired: str | None = None  # a token the target issued that has expired (--expired-token)


class _Builder:
    def __init__(
        self,
        profile: ApiProfile,
        land: Landscape,
        headers: dict[str, str],
        credentials: Credentials,
        now: float,
        mock_rules: bool,
    ) -> None:
        self.profile = profile
        self.land = land
        self.headers = headers
        self.unscoped = credentials.unscoped
        self.given = credentials
        self.mock_rules = mock_rules
        self.now = now
        self.token = headers.get("Authorization", "").partition(" ")[2]

    def base(self, **extra: Any) -> dict[str, Any]:
        """A valid request for everything, small pages."""
        query = {**wide_query(self.profile), self.profile.size_param: 3}
        query.update(extra)
        return query

    def without_auth(self) -> dict[str, str]:
        return {k: v for k, v in self.headers.items() if k.lower() != "authorization"}

    def bearer(self, token: str, scheme: str = "Bearer") -> dict[str, str]:
        return {**self.without_auth(), "Authorization": f"{scheme} {token}".rstrip() if token else scheme}

    # ---- credentials ----

    def credentials(self) -> Iterator[Edge]:
        rule = (
            "credentials a server must refuse (none, another scheme, an empty or malformed token, one expired or "
            "badly signed) → 401 with WWW-Authenticate: Bearer"
        )
        scopes = list(self.profile.scopes)
        refused = [
            ("no Authorization header", self.without_auth()),
            ("Authorization: Basic …", {**self.without_auth(), "Authorization": "Basic dXNlcjpwYXNzd29yZA=="}),
            ("another scheme with the run's token", self.bearer(self.token, "Token")),
            ("Authorization: Bearer (no token)", self.bearer("")),
            ("a bearer token that is not a JWT", self.bearer("not-a-jwt")),
            ("a bearer token of three parts that are not base64url JSON", self.bearer("a.b.c")),
            ("a JWT whose middle part is a JSON array", self.bearer(_jwt([1, 2]))),  # type: ignore[arg-type]
            (
                "a JWT whose exp is an hour ago",
                self.bearer(_jwt({"sub": "t", "scope": " ".join(scopes), "exp": int(self.now) - 3600})),
            ),
        ]
        parts = self.token.split(".")
        if not self.mock_rules and len(parts) == 3:  # a real server verifies signatures; the mock does not
            refused.append(
                ("the run's token with another signature", self.bearer(f"{parts[0]}.{parts[1]}.b3RoZXItc2lnbmF0dXJl"))
            )
        if self.given.expired:
            refused.append(("--expired-token", self.bearer(self.given.expired)))
        for page in (1, 2):
            for request, headers in refused:
                yield Edge(
                    self.base(page=page),
                    headers,
                    Expectation("credentials_refused", rule, f"{request} (page {page})", (401,), challenge=True),
                )
        accepted: list[tuple[str, dict[str, str]]] = [
            ("the run's token with the scheme written 'bearer'", self.bearer(self.token, "bearer")),
            ("the run's token with the scheme written 'BEARER'", self.bearer(self.token, "BEARER")),
        ]
        # The mock's own decisions on tokens (a real server verifies signatures, and reads its own claims).
        mocked: list[tuple[str, dict[str, str]]] = []
        if len(parts) == 3:
            mocked.append(
                ("the run's token with another signature", self.bearer(f"{parts[0]}.{parts[1]}.b3RoZXItc2lnbmF0dXJl"))
            )
        mocked += [
            ("a JWT with no scope claim (every scope)", self.bearer(_jwt({"sub": "t"}))),
            (
                "a JWT whose exp is an hour ahead",
                self.bearer(_jwt({"sub": "t", "scope": " ".join(scopes), "exp": int(self.now) + 3600})),
            ),
        ]
        if scopes:
            mocked += [
                ("a JWT whose scope claim is a list", self.bearer(_jwt({"sub": "t", "scope": scopes}))),
                (
                    "a JWT whose scope string holds other scopes too",
                    self.bearer(_jwt({"sub": "t", "scope": " ".join(["openid", *scopes, "profile"])})),
                ),
                (
                    "a JWT with the scopes in scp (a list) and no scope claim",
                    self.bearer(_jwt({"sub": "t", "scp": scopes})),
                ),
                (
                    "a JWT with the scopes in scp (a string) and no scope claim",
                    self.bearer(_jwt({"sub": "t", "scp": " ".join(scopes)})),
                ),
            ]
        for param in self.profile.header_params():
            if param.free_header and isinstance(param.example, str) and param.example.count(".") == 2:
                mocked.append(
                    (
                        f"{param.name}: the document's example (a JWT that expired long ago)",
                        {**self.headers, param.name: param.example},
                    )
                )
        for request, headers in accepted:
            yield Edge(
                self.base(),
                headers,
                Expectation("credentials_accepted", "the scheme name is case-insensitive (RFC 7235)", request, (200,)),
            )
        for request, headers in mocked:
            yield Edge(
                self.base(),
                headers,
                Expectation(
                    "credentials_accepted",
                    "the mock checks no signature; scopes come from scope, else scp, and neither claim means every "
                    "scope; the JWT rule applies to Authorization only",
                    request,
                    (200,),
                    mock=True,
                ),
            )

    def scopes(self, scopes: list[str]) -> Iterator[Edge]:
        rule = f"a token without {', '.join(scopes)} → 403"
        lacking = [
            ("a JWT whose scope string lacks it", _jwt({"sub": "t", "scope": "openid profile"})),
            ("a JWT whose scope list lacks it", _jwt({"sub": "t", "scope": ["openid"]})),
            ("a JWT whose scp lacks it", _jwt({"sub": "t", "scp": ["openid"]})),
            (
                "a JWT whose scope lacks it and whose scp has it (scope wins)",
                _jwt({"sub": "t", "scope": "openid", "scp": scopes}),
            ),
            ("a JWT with a longer scope that starts like it", _jwt({"sub": "t", "scope": f"{scopes[0]}.all"})),
        ]
        given = self.given.unscoped_given
        judged = [(request, token, True) for request, token in lacking]  # minted: the mock's reading of claims
        if self.unscoped:
            judged.append(("--unscoped-token", self.unscoped, not given))
        for page in (1, 2):
            for request, token, mock in judged:
                yield Edge(
                    self.base(page=page),
                    self.bearer(token),
                    Expectation("scope_enforced", rule, f"{request} (page {page})", (403,), mock=mock),
                )
        yield Edge(
            self.base(page="x"),
            self.bearer(lacking[0][1]),
            Expectation(
                "checks_in_order",
                "403 (scope) before 400 (parameters)",
                "a token lacking the scope and page=x",
                (403,),
                mock=True,
            ),
        )

    def order(self) -> Iterator[Edge]:
        yield Edge(
            self.base(page="x"),
            self.without_auth(),
            Expectation(
                "checks_in_order", "401 (credentials) before 400 (parameters)", "no token and page=x", (401,), mock=True
            ),
        )
        for param in self.profile.header_params():
            if param.required:
                headers = {k: v for k, v in self.without_auth().items() if k.lower() != param.name.lower()}
                yield Edge(
                    self.base(),
                    headers,
                    Expectation(
                        "checks_in_order",
                        "401 (credentials) before 400 (headers)",
                        f"no token and no {param.name}",
                        (401,),
                        mock=True,
                    ),
                )

    # ---- headers ----

    def header_rules(self) -> Iterator[Edge]:
        for param in self.profile.header_params():
            if not param.required:
                continue
            name = param.name
            rest = {k: v for k, v in self.headers.items() if k.lower() != name.lower()}
            check, rule = "required_headers_enforced", f"{name} is required: missing, blank or another value → 400"
            # A deployment refuses it; 400 is the mock's status (a session token may be refused as credentials, a
            # media type with 415 Unsupported Media Type).
            refused = (400,) if self.mock_rules else (400, 401) if param.free_header else (400, 415)
            yield Edge(self.base(), rest, Expectation(check, rule, f"no {name} header", refused, param=name))
            if param.pattern is not None or param.min_length:
                yield Edge(
                    self.base(),
                    {**rest, name: ""},
                    Expectation(check, rule, f"{name}: '' (blank)", (400,), param=name, mock=True),
                )
            if param.enum:
                value = str(param.enum[0])
                for other in ("text/plain" if "/" in value else "other", f"{value}; charset=utf-8"):
                    yield Edge(
                        self.base(),
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
                            self.base(),
                            {**rest, name: variant},
                            Expectation(check, "media types compare case-insensitively", f"{name}: {variant}", (200,)),
                        )

    # ---- query strings ----

    def query_strings(self) -> Iterator[Edge]:
        check = "query_strings_strict"
        base = self.base()
        for param in self.profile.query_params():
            name = param.name
            if param.type == "integer":
                for value in BAD_INTEGERS:
                    yield Edge(
                        {**base, name: value},
                        self.headers,
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
                        self.headers,
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
                self.headers,
                Expectation(
                    check, "a parameter given twice → 400", f"{name} given twice", (400,), param=name, mock=True
                ),
            )
            if param.typed:
                yield Edge(
                    {**base, name: ""},
                    self.headers,
                    Expectation(check, "an empty value → 400", f"{name}= (empty)", (400,), param=name, mock=True),
                )
            elif name in self.profile.empty_matches_nothing and self.mock_rules:
                yield Edge({**base, name: ""}, self.headers)  # the page checks: the mock matches nothing
            if param.required:
                yield Edge(
                    {k: v for k, v in base.items() if k != name},
                    self.headers,
                    Expectation(check, "a required parameter is required", f"no {name}", (400,), param=name),
                )
            if param.format == "date-time":
                spaced = "2016-01-01T08:00:00 08:00"
                yield Edge(
                    {**base, name: spaced},
                    self.headers,
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
            self.headers,
            Expectation(
                "no_effect_parameters", "unknown parameters are ignored", f"{UNKNOWN_PARAM}=1", (200,), mock=True
            ),
            baseline=base,
        )

    def inert(self) -> Iterator[Edge]:
        base = self.base()
        for name, values in self.profile.inert_params.items():
            for value in values:
                yield Edge(
                    {**base, name: value},
                    self.headers,
                    Expectation(
                        "no_effect_parameters",
                        f"{name} has no effect on the documented fields",
                        f"{name}={value}",
                        (200,),
                        mock=True,
                    ),
                    baseline=base,
                )

    # ---- bounds ----

    def bounds(self) -> Iterator[Edge]:
        for param in self.profile.query_params():
            if param.format == "date-time":
                for text in BOUND_TEXTS:
                    query = self.base(**{param.name: text})
                    ok = _valid(param, text)
                    yield Edge(
                        query,
                        self.headers,
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
                        self.base(**{param.name: value}),
                        self.headers,
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

    # ---- windows and pages: valid requests, judged by the page checks ----

    def windows(self) -> Iterator[Edge]:
        profile = self.profile
        for field in profile.order_fields:
            for record in _spread(self.land, field):
                yield from (self.half_open(field, record) if profile.window == "half-open" else self.overlap(record))

    def _window(
        self, lower: Instant, upper: Instant, extra: dict[str, Any], offsets: tuple[int, int] = (0, 0), digits: int = 3
    ) -> dict[str, Any]:
        query = self.base(**extra)
        query[self.profile.lower] = render(lower, offsets[0], digits)
        query[self.profile.upper] = render(upper, offsets[1], digits)
        if self.profile.count_param:
            query[self.profile.count_param] = "true"
        return query

    def half_open(self, field: str, record: Record) -> Iterator[Edge]:
        at = record.times[field]
        extra = {self.profile.order_param: field} if self.profile.order_param else {}
        for lower, upper in (
            (at, _plus(at, _MS)),
            (_plus(at, -_MS), at),
            (_plus(at, 1), _plus(at, _MS)),
            (_just_after(at), _plus(at, _MS)),
            (_plus(at, -_MS), _just_after(at)),
            (at, at),
            (_plus(at, _MS), at),
            (_just_after(at), at),
            (_plus(at, -86_400_000_000), at),
        ):
            digits = 7 if lower.rest or upper.rest else 6 if (lower.micros | upper.micros) % _MS else 3
            yield Edge(self._window(lower, upper, extra, digits=digits), self.headers)
        for offset in _OFFSETS:
            yield Edge(self._window(at, _plus(at, 3_600_000_000), extra, (offset, -offset)), self.headers)
        if self.profile.category_param and record.category is not None:
            day = 86_400_000_000
            prefix = (record.category[:-1],) if len(record.category) > 1 else ()  # exact match, not a prefix
            for category in (record.category, record.category + " ", *prefix):
                wide = {**extra, self.profile.size_param: 2, self.profile.category_param: category}
                yield Edge(self._window(_plus(at, -day), _plus(at, day), wide), self.headers)

    def overlap(self, record: Record) -> Iterator[Edge]:
        assert self.profile.period is not None
        start, end = (record.times[f] for f in self.profile.period)
        middle = Instant(start.micros + (end.micros - start.micros) // 2 // _MS * _MS)
        for lower, upper in (
            (end, end),
            (_plus(end, 1), _plus(end, _MS)),
            (_just_after(end), _plus(end, _MS)),
            (_plus(start, -_MS), start),
            (_plus(start, -_MS), _plus(start, -1)),
            (_plus(start, -_MS), Instant(start.micros - 1, "9")),
            (start, start),
            (_plus(middle, _MS), middle),
            (_just_after(middle), middle),
            (_plus(middle, 1), middle),
        ):
            digits = 7 if lower.rest or upper.rest else 6 if (lower.micros | upper.micros) % _MS else 3
            yield Edge(self._window(lower, upper, {}, digits=digits), self.headers)
        if self.profile.find_param:
            find, page = self.profile.find_param, self.profile.page_param
            day = 86_400_000_000
            for extra in (
                {find: record.id, self.profile.size_param: 2},
                {find: record.id, page: 0},
                {find: record.id, self.profile.size_param: 0, page: 2},
                {find: record.id, page: 3, self.profile.size_param: 1},
            ):
                yield Edge(self._window(_plus(start, -day), _plus(end, day), extra), self.headers)
            yield Edge(self._window(_plus(end, _MS), _plus(end, day), {find: record.id, page: 2}), self.headers)

    def pages(self) -> Iterator[Edge]:
        profile = self.profile
        size, cap, page = profile.size_param, profile.size_cap, profile.page_param
        total = len(self.land.records)
        small = 7
        last = max(1, -(-total // small))
        queries: list[dict[str, Any]] = [
            {size: cap + 1},
            {size: cap},
            {size: 10**12},
            {size: 0},
            {size: -1},
            {page: 0},
            {page: -1},
            {size: small, page: 2},
            {size: small, page: last},
            {size: small, page: last + 1},
            {size: small, page: 10**15},
            {size: 0, page: 0},
        ]
        size_param = profile.param(size)
        if size_param is not None and size_param.maximum is not None:
            queries.append({size: size_param.maximum})
        queries.extend(self.category_pages())
        for extra in queries:
            query = {**wide_query(profile), **extra}
            yield Edge(query, self.headers)
            if profile.count_param:
                yield Edge({**query, profile.count_param: "true"}, self.headers)
            for field in profile.order_fields[1:2]:
                yield Edge({**query, profile.order_param: field}, self.headers)  # type: ignore[dict-item]

    def category_pages(self) -> list[dict[str, Any]]:
        """The category filter on later pages too: the commonest category seen, its second and last pages."""
        profile = self.profile
        counts = collections.Counter(r.category for r in self.land.records if r.category is not None)
        if not profile.category_param or not profile.page_param or not counts:
            return []
        category, seen = min(counts.items(), key=lambda item: (-item[1], item[0]))
        last = max(2, -(-seen // 2))  # at two records a page
        return [
            {profile.size_param: 2, profile.page_param: page, profile.category_param: category}
            for page in sorted({2, last})
        ]

    def all(self) -> Iterator[Edge]:
        for edge in self._all():
            if self.mock_rules or edge.expectation is None or not edge.expectation.mock:
                yield edge

    def _all(self) -> Iterator[Edge]:
        yield from self.credentials()
        if self.profile.scopes:
            yield from self.scopes(list(self.profile.scopes))
        yield from self.order()
        yield from self.header_rules()
        yield from self.query_strings()
        yield from self.inert()
        yield from self.bounds()
        yield from self.windows()
        yield from self.pages()


def _sample(param: Param) -> str:
    value = param.example if param.example is not None else param.default
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _spread(land: Landscape, field: str, count: int = 3) -> list[Record]:
    """A few records along ``field``: the first, one of a tie when there is one, and a middle one."""
    ordered = sorted((r for r in land.records if field in r.times), key=lambda r: (r.times[field], repr(r.id)))
    if not ordered:
        return []
    chosen = [ordered[0], ordered[len(ordered) // 2]]
    tie = next((b for a, b in itertools.pairwise(ordered) if a.times[field] == b.times[field]), None)
    if tie is not None:
        chosen.append(tie)
    unique = list({repr(r.id): r for r in chosen}.values())
    return unique[:count]


def edges(
    profile: ApiProfile,
    land: Landscape,
    headers: dict[str, str],
    credentials: Credentials,
    now: float,
    *,
    mock_rules: bool = True,
) -> list[Edge]:
    """Every edge request of a run, in a fixed order; without ``mock_rules``, none that only the mock's own decisions
    judge (a deployment is held to the API's rules alone)."""
    return list(_Builder(profile, land, headers, credentials, now, mock_rules).all())


def with_baseline(edge: Edge, body: Any) -> Edge:
    """``edge`` whose expectation now holds the body its answer must equal."""
    assert edge.expectation is not None
    return replace(edge, expectation=replace(edge.expectation, same_as=body))
