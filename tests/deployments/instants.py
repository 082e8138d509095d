"""RFC 3339 date-times as exact instants (Fraction seconds since 1970-01-01Z; year 0000 and any fraction)."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

__all__ = ["INTERVENTIONS_PATTERN", "instant", "interventions_bound"]

_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))", re.ASCII
)
# The interventions document's pattern, as its spec states it (ASCII digits only: non-ASCII digits are refused).
INTERVENTIONS_PATTERN = re.compile(
    r"^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])"
    r"-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3])"
    r":[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z))$",
    re.ASCII,
)
_EPOCH = date(1970, 1, 1).toordinal()


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to the given date of the proleptic Gregorian calendar (year 0 included)."""
    ordinal = date(max(year, 1), month, 28 if (year, month) == (0, 2) else day).toordinal()
    if year == 0:  # year 0000 is a leap year of 366 days, just before 0001-01-01
        ordinal += -366 + (day - 28 if month == 2 else 0) + (1 if month > 2 else 0)
    return ordinal - _EPOCH


def instant(text: str) -> Fraction | None:
    """The exact instant of an RFC 3339 ``date-time`` (seconds required); None when ``text`` is not one.

    A leap second (``23:59:60`` UTC) counts as the following second.
    """
    m = _DATE_TIME.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction, sign, off_h, off_m = m.group(7), m.group(8), m.group(9), m.group(10)
    lengths = [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if not (1 <= month <= 12 and 1 <= day <= lengths[month - 1] and hour <= 23 and minute <= 59 and second <= 60):
        return None
    offset = 0
    if sign is not None:
        if int(off_h) > 23 or int(off_m) > 59:
            return None
        offset = (int(off_h) * 60 + int(off_m)) * 60 * (1 if sign == "+" else -1)
    if second == 60 and (hour * 3600 + minute * 60 - offset) % 86400 != 86340:
        return None  # leap seconds are inserted at 23:59:60 UTC only
    seconds = _days(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
    return seconds + (Fraction(int(fraction[1:]), 10 ** (len(fraction) - 1)) if fraction else Fraction(0))


def interventions_bound(text: str) -> Fraction | None:
    """An interventions window bound: a date-time with seconds that also matches the document's pattern."""
    return instant(text) if INTERVENTIONS_PATTERN.match(text) else None
