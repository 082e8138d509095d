"""The strict parameter layer: the brief's query-string rules on top of the spec's schemas, one message per error.

Connexion's own parameter validation is more lenient than the contract (``page=+5``, ``page=١``,
``includeSites=TRUE`` pass; a repeated parameter keeps its last value) and its messages dump the whole
schema. These rules read the raw query string and headers, apply the wire rules (ASCII integers,
``true``/``false``, one value per name, no empty typed values), then validate each value against the
parameter's own schema, compiled once per operation. A broken rule raises ``ParameterError``; the
server's request stage answers it with a 400 problem, the proxy logs it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft4Validator, ValidationError

from mockserver.core.formats import FORMAT_CHECKER
from mockserver.core.instants import is_date_time
from mockserver.core.openapi import Param

__all__ = ["ParamRule", "ParameterError", "ParameterRules"]

logger = logging.getLogger("mockserver.params")

_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_BOOLEANS = {"true": True, "false": False}
# An unencoded '+' before an offset arrives as a space: "2016-01-01T08:00:00 08:00".
_SPACE_OFFSET = re.compile(r".*[0-9] [0-9]{2}:[0-9]{2}", re.ASCII)


class ParameterError(ValueError):
    """A request's parameter that breaks its rule; ``detail`` names the parameter, the value and what was expected."""

    def __init__(self, detail: str, location: str = "query") -> None:
        super().__init__(detail)
        self.detail = detail
        self.location = location  # query or header


def _problem(detail: str) -> ParameterError:
    return ParameterError(detail)


@dataclass(frozen=True)
class ParamRule:
    """One declared parameter, compiled: its wire type, its schema validator and an example value."""

    name: str
    location: str
    required: bool
    type: str
    format: str | None
    example: str | None
    default: Any
    validator: Draft4Validator
    accepts: Callable[[Any], bool] | None  # jsonschema's verdict, compiled; None: ask jsonschema

    @classmethod
    def from_spec(cls, param: Param) -> ParamRule:
        return cls(
            name=param.name,
            location=param.location,
            required=param.required,
            type=param.type,
            format=param.format,
            example=None if param.example is None else _wire(param.example),
            default=param.default,
            validator=Draft4Validator(param.schema, format_checker=FORMAT_CHECKER),
            accepts=_compile(param.schema),
        )

    @functools.cached_property
    def wire_name(self) -> bytes:
        """The name as ASGI carries a header's: lower-case bytes."""
        return self.name.lower().encode("latin-1")

    @property
    def expected(self) -> str:
        """What a valid value looks like, for messages."""
        kind = {
            "integer": "an integer (ASCII digits, optional leading '-')",
            "boolean": "true or false",
        }.get(self.type, "a date-time (RFC 3339, with seconds)" if self.format == "date-time" else "a string")
        return f"{kind}, e.g. {self.name}={self.example}" if self.example is not None else kind

    def coerce(self, raw: str) -> Any:
        """The wire string as the schema's type; raise a 400 naming the value when it is not one."""
        if raw == "" and (self.type != "string" or self.format):
            raise _problem(f"{self.name} is empty; expected {self.expected}")
        if self.type == "integer":
            if not _INTEGER.fullmatch(raw):
                raise _problem(f"{self.name}={raw!r} is not an integer; expected {self.expected}")
            try:
                return int(raw)
            except ValueError:  # more digits than Python converts: far beyond any declared bound
                raise _problem(f"{self.name}={raw[:20]}… has {len(raw)} digits; it is out of range") from None
        if self.type == "boolean":
            if raw not in _BOOLEANS:
                raise _problem(f"{self.name}={raw!r} is not a boolean; expected true or false")
            return _BOOLEANS[raw]
        return raw

    def check(self, raw: str) -> Any:
        """The value ``raw`` stands for, once it satisfies the parameter's schema; else a 400 naming it."""
        value = self.coerce(raw)
        if self.accepts is not None and self.accepts(value):
            return value
        error = next(iter(self.validator.iter_errors(value)), None)
        if error is not None:
            raise _problem(self._describe(raw, value, error))
        return value

    def _describe(self, raw: str, value: Any, error: ValidationError) -> str:
        shown = f"{self.name}={raw!r}" if isinstance(value, str) else f"{self.name}={raw}"
        kind = error.validator
        if kind == "format" and self.format == "date-time":
            if _SPACE_OFFSET.fullmatch(raw):
                return (
                    f"{shown} is not a date-time: a '+' in a query string arrives as a space; "
                    f"send the offset's '+' as %2B"
                )
            return f"{shown} is not a date-time; expected {self.expected}"
        if kind == "minimum":
            return f"{shown} is below the minimum {error.validator_value}"
        if kind == "maximum":
            return f"{shown} is above the maximum {error.validator_value}"
        if kind == "enum":
            return f"{shown} is not one of {', '.join(map(str, error.validator_value))}"
        if kind == "minLength" or (kind == "pattern" and not raw.strip()):
            return f"{shown} is blank; expected a non-blank value"
        if kind == "pattern":
            return f"{shown} does not match the pattern of {self.name}; expected {self.expected}"
        return f"{shown}: {error.message}"


_COMPILABLE = {"type", "format", "minimum", "maximum", "enum", "pattern", "minLength", "default", "example"}


def _compile(schema: Mapping[str, Any]) -> Callable[[Any], bool] | None:
    """The schema's verdict on an already coerced value, without building jsonschema errors.

    Only for the keywords our parameters use; any other keyword leaves the verdict to jsonschema.
    A value it rejects goes to jsonschema as well, for the message, so both always agree on rejections.
    """
    form = schema.get("format")
    if not set(schema) <= _COMPILABLE or (form != "date-time" and form in FORMAT_CHECKER.checkers):
        return None  # a format jsonschema checks, other than date-time (one it does not check is a comment: int64)
    tests: list[Callable[[Any], bool]] = []
    if form == "date-time":
        tests.append(is_date_time)
    if "minimum" in schema:
        low = schema["minimum"]
        tests.append(lambda v: v >= low)
    if "maximum" in schema:
        high = schema["maximum"]
        tests.append(lambda v: v <= high)
    if "enum" in schema:
        allowed = frozenset(schema["enum"])
        tests.append(lambda v: v in allowed)
    if "pattern" in schema:
        search = re.compile(schema["pattern"]).search
        tests.append(lambda v: search(v) is not None)
    if "minLength" in schema:
        shortest = schema["minLength"]
        tests.append(lambda v: len(v) >= shortest)
    return _all_of(tuple(tests))


def _all_of(tests: tuple[Callable[[Any], bool], ...]) -> Callable[[Any], bool]:
    """Whether a value passes every test: the tests chained by ``and`` (no generator per value checked)."""

    def both(first: Callable[[Any], bool], second: Callable[[Any], bool]) -> Callable[[Any], bool]:
        return lambda value: first(value) and second(value)

    return functools.reduce(both, tests) if tests else lambda value: True


def _wire(example: Any) -> str:
    if isinstance(example, bool):
        return "true" if example else "false"
    return str(example)


def _query_values(query_string: bytes) -> dict[str, list[str]]:
    """Each name's values, as ``parse_qsl`` reads them (blank values kept; ``%`` escapes as UTF-8), without its calls
    per pair: a pair with no ``%`` and no ``+`` has nothing to decode."""
    values: dict[str, list[str]] = {}
    for part in query_string.decode("latin-1").split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "%" in part or "+" in part:
            name, value = _decoded(name), _decoded(value)
        if name in values:
            values[name].append(value)
        else:
            values[name] = [value]
    return values


def _decoded(text: str) -> str:
    """A name or a value as ``parse_qsl`` decodes it: ``+`` is a space, then ``%`` escapes are read as UTF-8."""
    return unquote(text.replace("+", " "), encoding="utf-8", errors="replace")


def _check_query(rules: list[ParamRule], query: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for rule in rules:
        given = query.get(rule.name)
        if given is None:
            if rule.required:
                raise _problem(f"Missing query parameter '{rule.name}'; expected {rule.expected}")
            if rule.default is not None:
                values[rule.name] = rule.default
            continue
        if len(given) > 1:
            shown = ", ".join(repr(v) for v in given[:5])
            raise _problem(f"{rule.name} is given {len(given)} times ({shown}); give it once")
        values[rule.name] = rule.check(given[0])
    return values


def _header_values(scope: Mapping[str, Any], names: frozenset[bytes]) -> dict[bytes, list[str]]:
    values: dict[bytes, list[str]] = {}
    for name, value in scope["headers"]:
        if name in names:
            values.setdefault(name, []).append(value.decode("latin-1"))
    return values


def _check_headers(rules: list[ParamRule], headers: dict[bytes, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for rule in rules:
        given = headers.get(rule.wire_name)
        if given is None:
            if rule.required:
                raise _problem(f"Missing header parameter '{rule.name}'; expected {rule.expected}")
            continue
        if len(given) > 1:
            raise _problem(f"header {rule.name} is given {len(given)} times; give it once")
        raw = given[0]
        if rule.wire_name == b"content-type":
            raw = raw.lower()  # media types compare case-insensitively (RFC 9110 §8.3.1)
        values[rule.name] = rule.check(raw)
    return values


@dataclass(frozen=True)
class ParameterRules:
    """An operation's parameters, compiled: ``parse(scope)`` validates them all and returns their values."""

    query: list[ParamRule]
    headers: list[ParamRule]
    query_names: frozenset[str]
    header_names: frozenset[bytes]  # as ASGI carries them: lower-case bytes

    @classmethod
    def from_spec(cls, parameters: tuple[Param, ...]) -> ParameterRules:
        rules = [ParamRule.from_spec(p) for p in parameters]
        query = [r for r in rules if r.location == "query"]
        headers = [r for r in rules if r.location == "header"]
        return cls(
            query,
            headers,
            frozenset(r.name for r in query),
            frozenset(r.wire_name for r in headers),
        )

    def query_values(self, query_string: bytes) -> dict[str, Any]:
        """The query parameters' values alone (declared defaults filled in); an error is a ParameterError."""
        return _check_query(self.query, _query_values(query_string))

    def parse(self, scope: Mapping[str, Any]) -> dict[str, Any]:
        """Query values (declared defaults filled in), then header values; the first error is a 400."""
        query = _query_values(scope.get("query_string", b""))
        values = _check_query(self.query, query)
        try:
            _check_headers(self.headers, _header_values(scope, self.header_names))
        except ParameterError as exc:
            exc.location = "header"
            raise
        unknown = query.keys() - self.query_names
        if unknown:  # repr: a name is the client's text, and must not start lines of its own in the log
            logger.info("ignored unknown query parameter(s): %s", ", ".join(repr(n) for n in sorted(unknown)))
        return values
