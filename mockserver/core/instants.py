"""RFC 3339 date-times as exact integers: parsing (year 0000, leap seconds, any fraction) and formatting.

Python's ``datetime`` cannot hold year 0000 and overflows near the ends of its range when an offset
is applied, so instants are kept as integer microseconds since 1970-01-01T00:00:00Z on the proleptic
Gregorian calendar, with a flag for digits below the microsecond so that comparisons stay exact.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from mockserver.core.units import DAY_US, MINUTE_US, SECOND_US

__all__ = [
    "DAY_US",
    "MINUTE_US",
    "Instant",
    "format_instant",
    "is_date_time",
    "parse_instant",
    "valid_instant",
]

_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))",
    re.ASCII,
)


@dataclass(frozen=True, order=True)
class Instant:
    """An instant, exactly: whole microseconds since the epoch, then the digits below a microsecond.

    ``micros`` is the floor of the exact instant; ``rest`` holds the fraction's digits after the sixth,
    trailing zeros dropped, so that comparing ``(micros, rest)`` (strings compared digit by digit) compares
    the exact instants: ``.0000001`` < ``.00000011`` < ``.0000002``.
    """

    micros: int
    rest: str = ""

    @property
    def text(self) -> str:
        """The instant in UTC with every digit it has (microseconds, then ``rest``): ``…T00:00:00.000000Z``."""
        whole = format_instant(self.micros - self.micros % SECOND_US)
        return f"{whole[:-5]}.{self.micros % SECOND_US:06d}{self.rest}Z"

    @property
    def sub_micro(self) -> bool:
        """Whether the exact instant lies strictly after ``micros``."""
        return self.rest != ""

    @property
    def ceil(self) -> int:
        """The smallest whole microsecond at or after the exact instant."""
        return self.micros + 1 if self.sub_micro else self.micros


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 on the proleptic Gregorian calendar (H. Hinnant's algorithm; year 0 is leap)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


@functools.lru_cache(maxsize=4096)  # a request's bounds are parsed when validated, then when queried
def parse_instant(text: str) -> Instant | None:
    """The instant an RFC 3339 ``date-time`` names, or None when ``text`` is not one.

    Seconds are required; a leap second (``23:59:60`` in UTC) counts as the following second; offsets
    reach ±23:59.
    """
    m = _RFC3339.fullmatch(text)
    if m is None:
        return None
    year_, month_, day_, hour_, minute_, second_, fraction, zulu, sign, off_h, off_m = m.groups()
    year, month, day, hour, minute, second = int(year_), int(month_), int(day_), int(hour_), int(minute_), int(second_)
    if year:  # datetime's C code checks the day and counts the days (years 1-9999)
        try:
            days = date(year, month, day).toordinal() - _EPOCH_ORDINAL
        except ValueError:
            return None
    elif 1 <= month <= 12 and 1 <= day <= _days_in_month(year, month):
        days = _days_from_civil(year, month, day)
    else:
        return None
    if hour > 23 or minute > 59 or second > 60:
        return None
    offset = 0
    if not zulu:
        if int(off_h) > 23 or int(off_m) > 59:
            return None
        offset = (int(off_h) * 3600 + int(off_m) * 60) * (1 if sign == "+" else -1)
    if second == 60 and (hour * 3600 + minute * 60 - offset) % 86_400 != 86_340:
        return None  # a leap second is inserted at 23:59:60 UTC only
    seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
    if not fraction:
        return Instant(seconds * SECOND_US)
    micros = int(fraction[:6].ljust(6, "0"))
    return Instant(seconds * SECOND_US + micros, fraction[6:].rstrip("0"))


def valid_instant(text: str) -> Instant:
    """The instant of a value the parameter layer has already checked to be a date-time."""
    parsed = parse_instant(text)
    assert parsed is not None, f"{text!r} passed as a date-time"
    return parsed


def is_date_time(text: object) -> bool:
    """The ``date-time`` format check: RFC 3339 with ASCII digits, year 0000 and leap seconds allowed."""
    return not isinstance(text, str) or parse_instant(text) is not None


Days = TypeVar("Days", int, npt.NDArray[np.int64])


def _civil_from_days(days: Days) -> tuple[Days, Days, Days]:
    """(year, month, day) of days since 1970-01-01, for one number or an array of them (H. Hinnant's algorithm)."""
    days = days + 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 - 12 * (mp >= 10)
    return yoe + era * 400 + (month <= 2), month, day


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@functools.lru_cache(maxsize=64)
def _zone(offset_minutes: int) -> str:
    if offset_minutes == 0:
        return "Z"
    sign = "+" if offset_minutes > 0 else "-"
    return f"{sign}{abs(offset_minutes) // 60:02d}:{abs(offset_minutes) % 60:02d}"


@functools.lru_cache(maxsize=4096)  # a dataset's instants fall on a few hundred days
def _date_text(days: int) -> str:
    year, month, day = _civil_from_days(days)
    return f"{year:04d}-{month:02d}-{day:02d}"


def format_instant(micros: int, offset_minutes: int = 0) -> str:
    """``micros`` as RFC 3339 with milliseconds, in UTC (``Z``) or at a fixed offset (``+08:00``)."""
    days, rest = divmod(micros + offset_minutes * 60 * SECOND_US, DAY_US)
    seconds, millis = divmod(rest // 1000, 1000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return f"{_date_text(days)}T{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}{_zone(offset_minutes)}"
