"""What a rendered field makes of its 64 bits: ``chance`` reads the high half, ``integer`` the low half, exactly."""

from __future__ import annotations

from collections import Counter

import pytest

from mockserver.core.draws import Field, Hasher, chance, integer, renderer

LOW = 2**32 - 1


def test_integer_covers_its_half_open_range_from_the_low_bits() -> None:
    assert (integer(0, -30, 61), integer(LOW, -30, 61)) == (-30, 60)


def test_integer_ignores_the_high_bits() -> None:
    assert integer((0xDEADBEEF << 32) | 12345678, 1, 201) == integer(12345678, 1, 201)


def test_integer_is_uniform_over_evenly_spread_low_halves() -> None:
    counts = Counter(integer(k << 16, 1, 6) for k in range(2**16))  # 65536 = 5 * 13107 + 1
    assert sorted(counts) == [1, 2, 3, 4, 5] and max(counts.values()) - min(counts.values()) <= 1


def test_chance_ignores_the_low_bits() -> None:
    assert (chance(LOW, 1e-9), chance((LOW << 32) | 0, 1 - 1e-9)) == (True, False)


@pytest.mark.parametrize("p", [0.0, 0.06, 0.3, 0.5, 0.92, 1.0])
def test_chance_is_true_with_its_probability_over_evenly_spread_high_halves(p: float) -> None:
    hits = sum(chance(k << 48, p) for k in range(2**16))
    assert abs(hits / 2**16 - p) <= 2**-16


def test_a_table_naming_a_field_twice_is_refused() -> None:
    field: Field[None] = Field("summary", lambda d, i, bits, values: bits)
    with pytest.raises(ValueError, match="summary"):
        renderer(Hasher(1, "events"), None, (field, field))
