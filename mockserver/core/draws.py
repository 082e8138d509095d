"""Deterministic record generation: counter-based hashes for columns and for rendered fields, Faker-made text pools.

Every value derives from (seed, api, field, index) and nothing else, so the same seed gives the same records in
every process and on every machine, and adding a field changes no other.

- **Columns** (what the store sorts and filters by) are drawn a column at a time: field ``f`` of record ``i`` is
  ``mix64(mix64(i ^ key(f)) + seed)`` (``Hasher.at``), so a million records cost a few vectorised passes.
- **Rendered fields** (the rest of a record, made when it is first served) are drawn one record at a time from the
  same kind of counter-based hash: record ``i`` has a base ``mix64(mix64(i ^ key("record")) + seed)``
  (``Hasher.record_seed``) and field ``f`` reads the one 64-bit value ``mix64(base ^ key(f))``
  (``Hasher.stream``), whatever other fields exist and whether or not they drew. How a field turns its 64 bits
  into its value is declared in its table (``core/fields.py``) and rendered by ``core/render.py``; ``lanes``
  computes all of a record's ``mix64``s together, in the lanes of one big int.
- **Text** comes from pools that a Faker instance seeded for that pool writes on first use (never
  ``Faker.seed()``, which is process-wide); a field picks from its pool with its own stream's value.
- **Pages** (``Records.page``): many records' JSON written in one call of native code (``core/_pages.c``), from the
  same keys and pools written as JSON (``TextPools.written``), byte for byte the one-record renderer's.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from faker import Faker

from mockserver.core import native
from mockserver.core.splitmix import GOLDEN, MASK, MULTIPLIERS, SHIFTS, mix64

if native.built("mockserver.core._splitmix"):
    from mockserver.core._splitmix import finish
else:
    from mockserver.core.splitmix import finish

__all__ = ["I64", "U64", "Hasher", "PageRenderer", "Records", "Rng", "TextPools", "lanes"]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


@functools.lru_cache(maxsize=1024)
def _key(seed: int, api: str, field: str) -> np.uint64:
    text = f"{seed}\x00{api}\x00{field}".encode()
    return np.uint64((zlib.crc32(text) << 32) | zlib.adler32(text))


@dataclass(frozen=True)
class Hasher:
    """Uniform 64-bit values per (seed, api, field, index): columns at a time, or one record's fields."""

    seed: int
    api: str

    def key(self, field: str) -> np.uint64:
        return _key(self.seed, self.api, field)

    def at(self, field: str, index: U64) -> U64:
        """The values of ``field`` at the given record indexes (any shape): mix(mix(index ^ key) + seed)."""
        out = np.bitwise_xor(index, self.key(field), dtype=np.uint64)  # C order
        self._finish(out.reshape(-1), None)
        return out

    def column(self, field: str, count: int) -> U64:
        """The values of ``field`` at records 0 to ``count - 1`` (``at`` of ``arange(count)``, without building it)."""
        out = np.empty(count, dtype=np.uint64)
        self._finish(out, self.key(field))
        return out

    def _finish(self, flat: U64, key: np.uint64 | None) -> None:
        """The rest of ``at`` on ``flat`` in place (``splitmix.finish``, in C where built: one pass, where numpy needs
        eight); with ``key``, ``flat`` is first filled with ``index ^ key`` for its own indexes."""
        finish(flat, None if key is None else int(key), self.seed & MASK)

    def integers(self, field: str, count: int, low: int, high: int) -> I64:
        """Integers uniform in ``[low, high)`` (the modulo bias is below 2**-40 for these spans)."""
        span = np.uint64(high - low)
        return (self.column(field, count) % span).astype(np.int64) + np.int64(low)

    def uniforms(self, field: str, count: int) -> npt.NDArray[np.float64]:
        """Floats uniform in ``[0, 1)`` from the top 53 bits."""
        return (self.column(field, count) >> np.uint64(11)).astype(np.float64) / float(2**53)

    def record_seed(self, index: int) -> int:
        """The base of record ``index``'s rendered fields (equal to ``at("record", [index])``, without numpy)."""
        return mix64((mix64(index ^ _int_key(self.seed, self.api, "record")) + (self.seed & MASK)) & MASK)

    def stream(self, field: str, index: int) -> int:
        """The 64-bit value rendered field ``field`` of record ``index`` is made from (``render.records`` computes
        the same for all of a record's fields at once)."""
        return mix64(self.record_seed(index) ^ int(self.key(field)))


@functools.lru_cache(maxsize=1024)
def _int_key(seed: int, api: str, field: str) -> int:
    return int(_key(seed, api, field))


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


# --- Records --------------------------------------------------------------------------------------------------------


def lanes(keys: Sequence[int]) -> Callable[[int], tuple[int, ...]]:
    """``base -> tuple(mix64(base ^ key) for key in keys)``, all keys at once.

    Each key gets a 128-bit lane of one Python int (a 64-bit value and room above it for its 64x64-bit products);
    a handful of big-int operations then do every lane's SplitMix64 (``splitmix.mix64``'s constants) together,
    masking each lane back to 64 bits before it is multiplied, and a little-endian ``struct`` reads the lanes out
    (the same on every machine): a record's fields in one pass, not a ``mix64`` call per field (what that saves:
    ``bench/RESULTS.md``).
    """
    count = len(keys)
    ones = sum(1 << (128 * lane) for lane in range(count))  # base * ones: base in every lane
    mask = MASK * ones
    golden = GOLDEN * ones
    packed = sum(key << (128 * lane) for lane, key in enumerate(keys))
    unpack = struct.Struct("<" + "Q8x" * count).unpack
    size = 16 * count
    (first, second), (s1, s2, s3) = MULTIPLIERS, SHIFTS

    def mix(base: int) -> tuple[int, ...]:
        z = (((base * ones) ^ packed) + golden) & mask
        z = (((z ^ (z >> s1)) & mask) * first) & mask
        z = (((z ^ (z >> s2)) & mask) * second) & mask
        return unpack((z ^ ((z >> s3) & mask)).to_bytes(size, "little"))

    return mix


PageRenderer = Callable[[Sequence[int] | npt.NDArray[np.signedinteger[Any]]], bytes]  # indexes -> their JSON array


class Records:
    """Record ``index`` as a dict (``records(index)``); ``page``, when given, renders many records' JSON in one pass,
    byte for byte as ``orjson.dumps`` of each dict."""

    def __init__(self, render: Callable[[int], dict[str, Any]], page: PageRenderer | None = None) -> None:
        self.render = render
        self.page = page

    def __call__(self, index: int) -> dict[str, Any]:
        return self.render(index)


POOL_SIZE = 1024


class TextPools:
    """Faker-written strings for one dataset: ``pick(name, bits)`` takes one with the low 10 bits of a draw.

    Each pool is written by its own Faker instance seeded from (seed, api, pool name), on first use.
    """

    def __init__(self, locale: str, hasher: Hasher, makers: dict[str, Callable[[Faker], str]]) -> None:
        self._faker = Faker(locale)
        self._hasher = hasher
        self._makers = makers
        self._pools: dict[str, tuple[str, ...]] = {}
        self._json: dict[str, tuple[bytes, ...]] = {}

    def pool(self, name: str) -> tuple[str, ...]:
        if name not in self._pools:
            self._faker.seed_instance(int(self._hasher.key(f"pool:{name}")))
            make = self._makers[name]
            self._pools[name] = tuple(make(self._faker) for _ in range(POOL_SIZE))
        return self._pools[name]

    def pick(self, name: str, bits: int) -> str:
        pool = self._pools.get(name) or self.pool(name)
        return pool[bits & (POOL_SIZE - 1)]

    def written(self, name: str) -> tuple[bytes, ...]:
        """Pool ``name``, each string written as JSON once (exact-size copies: a bytes object orjson returns keeps
        its working buffer), for a compiled page renderer."""
        written = self._json.get(name)
        if written is None:
            written = self._json[name] = tuple(bytes(memoryview(orjson.dumps(s))) for s in self.pool(name))
        return written
