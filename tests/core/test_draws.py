"""The draws: SplitMix64 (against its published sequence), columns of it (``Hasher.column`` and ``Hasher.at``, in C
and in Python, its twin, each against the one-value ``mix64``), and what a rendered field makes of its 64 bits:
``Chance`` reads the high half, ``Draw`` the low half, exactly."""

from __future__ import annotations

from collections import Counter
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.core import _splitmix, splitmix
from mockserver.core.draws import Hasher, TextPools
from mockserver.core.fields import Chance, Draw, integer
from mockserver.core.render import Dataset, records, value_of
from mockserver.core.splitmix import mix64
from tests.support.buffers import with_format

LOW = 2**32 - 1
MASK = 2**64 - 1
GOLDEN = 0x9E3779B97F4A7C15
BOTH = pytest.mark.parametrize("impl", [_splitmix, splitmix], ids=["C", "Python"])


def test_mix64_is_splitmix64_s_finaliser() -> None:
    # SplitMix64 seeded with 1234567: its first five outputs, as published with the generator (Vigna's splitmix64.c)
    published = [
        6457827717110365317,
        3203168211198807973,
        9817491932198370423,
        4593380528125082431,
        16408922859458223821,
    ]
    assert [mix64((1234567 + k * GOLDEN) & MASK) for k in range(5)] == published


@pytest.mark.parametrize("seed", [0, 1, 20251, -7, 2**64 + 5])
def test_a_column_holds_each_index_s_draw(seed: int) -> None:
    hasher = Hasher(seed, "events")
    key = int(hasher.key("start"))
    expected = [mix64((mix64(i ^ key) + (seed & MASK)) & MASK) for i in range(3000)]
    assert hasher.column("start", 3000).tolist() == expected


def test_draws_at_given_indexes_are_the_column_s_values_there() -> None:
    hasher = Hasher(3, "interventions")
    indexes = np.array([[2999, 0], [17, 1500]], dtype=np.uint64)
    assert hasher.at("record", indexes).tolist() == hasher.column("record", 3000)[indexes.astype(np.int64)].tolist()


@BOTH
@given(
    st.lists(st.integers(0, MASK), max_size=40),
    st.none() | st.integers(0, MASK),
    st.integers(0, MASK),
)
def test_column_draws_are_mix64_twice_of_each_value_or_index(
    impl: ModuleType, values: list[int], key: int | None, seed: int
) -> None:
    flat = np.array(values, dtype=np.uint64)
    impl.finish(flat, key, seed)
    drawn = [i ^ key for i in range(len(values))] if key is not None else values
    assert flat.tolist() == [mix64((mix64(v) + seed) & MASK) for v in drawn]


@BOTH
@pytest.mark.parametrize("flat", [np.zeros(4, dtype=np.int64), np.zeros((2, 2), dtype=np.uint64), b"12345678"])
def test_column_draws_refuse_anything_but_a_flat_uint64_array(impl: ModuleType, flat: object) -> None:
    with pytest.raises((TypeError, BufferError)):
        impl.finish(flat, None, 1)


@BOTH
@pytest.mark.parametrize("format", [b"", b"<", b"@"], ids=["empty", "order-only", "native-only"])
def test_column_draws_refuse_a_buffer_whose_format_names_no_type(impl: ModuleType, format: bytes) -> None:
    """A format of no item code is no uint64 (the C read the byte past its terminator, and took it for one when
    that byte was a NUL: a heap overflow under AddressSanitizer); nothing is written."""
    flat = np.arange(4, dtype=np.uint64)
    with with_format(flat, format) as view, pytest.raises(TypeError, match="uint64"):
        impl.finish(view, None, 1)
    assert flat.tolist() == [0, 1, 2, 3]


def _draw(bits: int, low: int, high: int) -> int:
    value = value_of(Draw(low, high), bits)
    assert isinstance(value, int)
    return value


def test_a_draw_covers_its_closed_range_from_the_low_bits() -> None:
    assert (_draw(0, -30, 60), _draw(LOW, -30, 60)) == (-30, 60)


def test_a_draw_ignores_the_high_bits() -> None:
    assert _draw((0xDEADBEEF << 32) | 12345678, 1, 200) == _draw(12345678, 1, 200)


def test_a_draw_is_uniform_over_evenly_spread_low_halves() -> None:
    counts = Counter(_draw(k << 16, 1, 5) for k in range(2**16))  # 65536 = 5 * 13107 + 1
    assert sorted(counts) == [1, 2, 3, 4, 5] and max(counts.values()) - min(counts.values()) <= 1


def test_a_chance_ignores_the_low_bits() -> None:
    assert (value_of(Chance(1e-9), LOW), value_of(Chance(1 - 1e-9), (LOW << 32) | 0)) == (True, False)


@pytest.mark.parametrize("p", [0.0, 0.06, 0.3, 0.5, 0.92, 1.0])
def test_a_chance_is_true_with_its_probability_over_evenly_spread_high_halves(p: float) -> None:
    hits = sum(bool(value_of(Chance(p), k << 48)) for k in range(2**16))
    assert abs(hits / 2**16 - p) <= 2**-16


@pytest.mark.parametrize("p", [0.0, 1e-12, 0.06, 0.3, 0.5, 0.92, 1 - 1e-12, 1.0])
def test_a_chance_s_integer_threshold_is_the_float_comparison(p: float) -> None:
    """The native writer compares the high half with ``Chance.threshold``, an integer: the same answers as
    ``high < p * 2**32`` at the values around it."""
    threshold = Chance(p).threshold
    for high in {0, 1, threshold - 1, threshold, threshold + 1, 2**32 - 1} - {-1, 2**32}:
        assert (high < threshold) == (high < p * 4294967296.0), high


def test_a_table_naming_a_field_twice_is_refused() -> None:
    hasher = Hasher(1, "events")
    data = Dataset(hasher, {"c": np.zeros(2, dtype=np.int64)}, 0, TextPools("en_US", hasher, {}))
    field = integer("summary", Draw(1, 2))
    with pytest.raises(ValueError, match="summary"):
        records(data, (field, field))
