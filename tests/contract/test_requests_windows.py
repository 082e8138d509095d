"""The instants the edge requests write: any instant, at any offset, reads back exactly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mockserver.contract.requests.windows import render
from mockserver.core.instants import Instant, parse_instant

# 1970-01-02 .. 9999-12-30 in microseconds: a four-digit year at every offset below a day
MICROS = st.integers(86_400_000_000, 253_402_128_000_000_000)
REST = st.text("0123456789", max_size=3).map(lambda s: s.rstrip("0"))
OFFSETS = st.integers(-(23 * 60 + 59), 23 * 60 + 59)


@given(micros=MICROS, rest=REST, offset=OFFSETS, digits=st.integers(0, 9))
def test_a_rendered_instant_parses_back_to_itself(micros: int, rest: str, offset: int, digits: int) -> None:
    instant = Instant(micros, rest)
    assert parse_instant(render(instant, offset, digits)) == instant


@given(micros=MICROS, offset=OFFSETS, digits=st.integers(1, 9))
def test_a_rendered_instant_has_at_least_the_fraction_digits_asked(micros: int, offset: int, digits: int) -> None:
    text = render(Instant(micros), offset, digits)
    fraction = text[20:].rstrip("Z").split("+")[0].split("-")[0]
    assert len(fraction) >= digits
