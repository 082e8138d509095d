"""The option types and options more than one command shares."""

from __future__ import annotations

import functools
import importlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import click

from mockserver.apis import names
from mockserver.core.configfile import SECRETS
from mockserver.core.openapi import ApiId
from mockserver.server.settings import DEFAULT_ANCHOR, DEFAULT_COUNT

# The generators write instants up to about 490 days before the anchor and 580 days after it (events: starts within
# a year, created up to 120 days earlier, long events and edits up to 210 days later); RFC 3339 has years 0000 to
# 9999 only, so an anchor keeps two years clear of both ends (tests/test_cli.py checks every record at both bounds).
ANCHOR_RANGE = (date(2, 1, 1), date(9997, 12, 31))


class AnchorType(click.ParamType):  # type: ignore[type-arg]
    name = "DATE|today"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            day = value
        elif value == "today":
            day = datetime.now(UTC).date()
        else:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                self.fail(f"{value!r} is not a date (expected YYYY-MM-DD or 'today')", param, ctx)
        low, high = ANCHOR_RANGE
        if not low <= day <= high:
            self.fail(
                f"{value!r} is outside {low.isoformat()} to {high.isoformat()} (records' instants must stay within "
                "years 0000-9999, as RFC 3339 writes them)",
                param,
                ctx,
            )
        return day


class LatencyType(click.ParamType):  # type: ignore[type-arg]
    name = "MIN-MAX"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, int]:
        low, sep, high = str(value).partition("-")
        if not (sep and low.isdigit() and high.isdigit() and int(low) <= int(high) <= 60_000):
            self.fail(f"{value!r} is not MIN-MAX milliseconds (0 <= MIN <= MAX <= 60000)", param, ctx)
        return int(low), int(high)


class FixtureType(click.ParamType):  # type: ignore[type-arg]
    name = "API=FILE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[ApiId, Path]:
        api, sep, file = str(value).partition("=")
        if not sep or api not in names() or not file:
            self.fail(f"{value!r} is not API=FILE with API one of {', '.join(names())}", param, ctx)
        return api, Path(file)


API_CHOICE = click.Choice(names())
SEED = click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True, help="Data seed.")
COUNT = click.option(
    "--count", type=click.IntRange(0, 10_000_000), default=DEFAULT_COUNT, show_default=True, help="Records per API."
)
ANCHOR = click.option(
    "--anchor",
    type=AnchorType(),
    default=DEFAULT_ANCHOR.isoformat(),
    show_default=True,
    help="The date the data is centred on, or 'today'.",
)


def secret(command: str, name: str) -> str:
    """The environment variable a secret option is read from (a settings file never holds it)."""
    return SECRETS[command][name]


class HeaderType(click.ParamType):  # type: ignore[type-arg]
    name = "NAME:VALUE"
    envvar_list_splitter = "\n"  # a header value holds spaces

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        if isinstance(value, tuple):
            return cast(tuple[str, str], value)
        name, sep, rest = str(value).partition(":")
        if not sep or not name.strip():
            self.fail(f"{value!r} is not NAME:VALUE", param, ctx)
        return name.strip(), rest.strip()


class ParsedType(click.ParamType):  # type: ignore[type-arg]
    """A value read by a parser of the package (imported on first use: other commands stay light) that raises
    ValueError with the message to show."""

    def __init__(self, name: str, parser: str, parsed: type) -> None:
        self.name = name
        self.parser = parser  # "module:function"
        self.parsed = parsed  # what the parser returns (a default may already be one)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, self.parsed):
            return value
        module, _, function = self.parser.partition(":")
        try:
            return getattr(importlib.import_module(module), function)(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


SIZE = ParsedType("SIZE", "mockserver.contract.options:parse_size", int)
FORMATS = ParsedType("FORMATS", "mockserver.contract.reports.formats:parse_formats", tuple)
SHARD = ParsedType("I/N", "mockserver.contract.options:parse_shard", tuple)
report_option = functools.partial(click.option, "--report", "reports", type=FORMATS, default=None, metavar="FORMATS")
