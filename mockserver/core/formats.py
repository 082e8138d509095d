"""The format checker that every schema validator of the package uses: RFC 3339 date-times as the specs state them."""

from __future__ import annotations

from jsonschema import FormatChecker

from mockserver.core.instants import is_date_time

__all__ = ["FORMAT_CHECKER"]

FORMAT_CHECKER = FormatChecker()
FORMAT_CHECKER.checks("date-time")(is_date_time)
FORMAT_CHECKER.checks("email")(lambda v: not isinstance(v, str) or "@" in v)
