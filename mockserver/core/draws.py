"""Deterministic record generation: counter-based hashes for columns, Faker-made text pools, a Random per record.

Every value derives from (seed, api, field, index) and nothing else, so the same seed gives the same
records in every process and on every machine, adding a field reshuffles no other, and a million
records cost a few vectorised passes. Text comes from pools that a Faker instance seeded for that
pool writes at start-up (never ``Faker.seed()``, which is process-wide); a record, when it is served,
picks from them with a ``random.Random`` seeded for that record alone: a tenth of what seeding
Faker per record costs, so pages of never-served records stay cheap at a million records.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from faker import Faker

__all__ = ["Hasher", "Rng", "TextPools", "mix64"]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MASK = 2**64 - 1


def mix64(x: int) -> int:
    """SplitMix64's finaliser on one Python int (the same function as the vectorised one below)."""
    z = (x + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _splitmix64(x: U64) -> U64:
    """SplitMix64's finaliser: a bijective, well-mixed 64-bit hash (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


@dataclass(frozen=True)
class Hasher:
    """Uniform 64-bit values per (seed, api, field, index), computed a column at a time."""

    seed: int
    api: str

    def key(self, field: str) -> np.uint64:
        text = f"{self.seed}\x00{self.api}\x00{field}".encode()
        return np.uint64((zlib.crc32(text) << 32) | zlib.adler32(text))

    def at(self, field: str, index: U64) -> U64:
        """The values of ``field`` at the given record indexes."""
        with np.errstate(over="ignore"):
            return _splitmix64(_splitmix64(index ^ self.key(field)) + np.uint64(self.seed & (2**64 - 1)))

    def column(self, field: str, count: int) -> U64:
        return self.at(field, np.arange(count, dtype=np.uint64))

    def integers(self, field: str, count: int, low: int, high: int) -> I64:
        """Integers uniform in ``[low, high)`` (the modulo bias is below 2**-40 for these spans)."""
        span = np.uint64(high - low)
        return (self.column(field, count) % span).astype(np.int64) + np.int64(low)

    def uniforms(self, field: str, count: int) -> npt.NDArray[np.float64]:
        """Floats uniform in ``[0, 1)`` from the top 53 bits."""
        return (self.column(field, count) >> np.uint64(11)).astype(np.float64) / float(2**53)

    def record_seed(self, index: int) -> int:
        """The seed of record ``index``'s own draws (equal to ``at("record", [index])``, without numpy)."""
        return mix64((mix64(index ^ int(self.key("record"))) + (self.seed & _MASK)) & _MASK)

    def record_random(self, index: int) -> random.Random:
        return random.Random(self.record_seed(index))


class Rng:
    """Column draws for one dataset: ``Hasher`` with the record count fixed."""

    def __init__(self, seed: int, api: str, count: int) -> None:
        self.hasher = Hasher(seed, api)
        self.count = count

    def integers(self, field: str, low: int, high: int) -> I64:
        return self.hasher.integers(field, self.count, low, high)

    def uniforms(self, field: str) -> npt.NDArray[np.float64]:
        return self.hasher.uniforms(field, self.count)

    def column(self, field: str) -> U64:
        return self.hasher.column(field, self.count)


POOL_SIZE = 1024


class TextPools:
    """Faker-written strings for one dataset: ``pick(name, r)`` draws one with a record's Random.

    Each pool is written by its own Faker instance seeded from (seed, api, pool name), on first use.
    """

    def __init__(self, locale: str, hasher: Hasher, makers: dict[str, Callable[[Faker], str]]) -> None:
        self._faker = Faker(locale)
        self._hasher = hasher
        self._makers = makers
        self._pools: dict[str, tuple[str, ...]] = {}

    def pool(self, name: str) -> tuple[str, ...]:
        if name not in self._pools:
            self._faker.seed_instance(int(self._hasher.key(f"pool:{name}")))
            make = self._makers[name]
            self._pools[name] = tuple(make(self._faker) for _ in range(POOL_SIZE))
        return self._pools[name]

    def pick(self, name: str, r: random.Random) -> str:
        return self.pool(name)[r.getrandbits(10)]
