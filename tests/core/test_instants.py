"""``parse_instant`` against ``datetime`` (the oracle, for the years it holds) and the RFC 3339 rules it adds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from mockserver.core.instants import Instant, format_instant, parse_instant

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30), timezones=offsets)


def _written(moment: datetime, fraction: str) -> str:
    offset = moment.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds()) // 60
    zone = "Z" if minutes == 0 else f"{'+' if minutes > 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    m = moment  # strftime's %Y does not pad years below 1000
    whole = f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
    return f"{whole}{'.' + fraction if fraction else ''}{zone}"


@given(moments, st.text("0123456789", max_size=9))
def test_an_instant_is_the_one_datetime_counts(moment: datetime, fraction: str) -> None:
    moment = moment.replace(microsecond=0)
    expected = (moment - EPOCH) // timedelta(microseconds=1) + int(fraction[:6].ljust(6, "0"))
    assert parse_instant.__wrapped__(_written(moment, fraction)) == Instant(expected, fraction[6:].rstrip("0"))


@given(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31))
def test_a_date_that_does_not_exist_is_refused(year: int, month: int, day: int) -> None:
    try:
        datetime(year, month, day)
        exists = True
    except ValueError:
        exists = False
    assert (parse_instant.__wrapped__(f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z") is not None) == exists


def test_year_zero_is_a_leap_year_before_year_one() -> None:
    year_one = parse_instant("0001-01-01T00:00:00Z")
    assert year_one is not None
    assert parse_instant("0000-02-29T00:00:00Z") == Instant(year_one.micros - 307 * 86_400 * 10**6)
    assert parse_instant("0000-02-30T00:00:00Z") is None
    assert parse_instant("0000-13-01T00:00:00Z") is None


def test_a_leap_second_is_the_next_second_and_only_at_the_end_of_a_utc_day() -> None:
    assert parse_instant("2016-12-31T23:59:60Z") == parse_instant("2017-01-01T00:00:00Z")
    assert parse_instant("2017-01-01T07:59:60+08:00") == parse_instant("2017-01-01T00:00:00Z")
    assert parse_instant("2016-12-31T22:59:60Z") is None
    assert parse_instant("2016-12-31T23:60:00Z") is None
    assert parse_instant("2016-12-31T24:00:00Z") is None
    assert parse_instant("2016-12-31T23:00:00+24:00") is None


@given(moments.map(lambda m: m.replace(tzinfo=None)), st.sampled_from([0, 480, -90, 23 * 60 + 59]))
def test_an_instant_is_written_as_datetime_writes_it(moment: datetime, offset: int) -> None:
    micros = (moment - datetime(1970, 1, 1)) // timedelta(microseconds=1)
    local = moment + timedelta(minutes=offset)
    zone = "Z" if offset == 0 else f"{'+' if offset > 0 else '-'}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    assert format_instant(micros, offset) == local.isoformat(timespec="milliseconds") + zone
