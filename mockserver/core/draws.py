"""Deterministic record generation: counter-based hashes for columns and for rendered fields, Faker-made text pools.

Every value derives from (seed, api, field, index) and nothing else, so the same seed gives the same records in
every process and on every machine, and adding a field changes no other.

- **Columns** (what the store sorts and filters by) are drawn a column at a time: field ``f`` of record ``i`` is
  ``mix64(mix64(i ^ key(f)) + seed)`` (``Hasher.at``), so a million records cost a few vectorised passes.
- **Rendered fields** (the rest of a record, made when it is first served) are drawn one record at a time from the
  same kind of counter-based hash: record ``i`` has a base ``mix64(mix64(i ^ key("record")) + seed)``
  (``Hasher.record_seed``) and field ``f`` reads the one 64-bit value ``mix64(base ^ key(f))``
  (``Hasher.stream``), whatever other fields exist and whether or not they drew. A field that needs more than
  one draw splits its value: ``chance`` reads the high 32 bits, ``integer`` the low 32 bits and
  ``TextPools.pick`` the low 10, and ``more_bits`` continues the field's own stream. ``renderer`` makes records
  from an ordered table of ``Field``s: each maker reads its own value and the values made before it, and all of
  a record's ``mix64``s are computed together, in the lanes of one big int.
- **Text** comes from pools that a Faker instance seeded for that pool writes on first use (never
  ``Faker.seed()``, which is process-wide); a field picks from its pool with its own stream's value.
- **Pages** (``Records.page``): an API may also write many records' JSON in one call of compiled code
  (``mockserver/apis/_pages.c``), from the same keys (``Hasher.page_keys``) and pools written as JSON
  (``TextPools.written``); it must give the one-record renderer's bytes exactly (``tests/apis/test_page_render.py``).
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt
import orjson
from faker import Faker

from mockserver.core import native

if native.built("mockserver.core._splitmix"):
    from mockserver.core._splitmix import finish
else:
    from mockserver.core.splitmix import finish

__all__ = [
    "I64",
    "U64",
    "Field",
    "Hasher",
    "Maker",
    "Records",
    "Rng",
    "TextPools",
    "chance",
    "integer",
    "mix64",
    "more_bits",
    "renderer",
]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_MASK = 2**64 - 1
_LOW32 = 2**32 - 1


def mix64(x: int) -> int:
    """SplitMix64's finaliser on one Python int (the same function as ``splitmix``'s, which draws the columns)."""
    z = (x + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


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
        finish(flat, None if key is None else int(key), self.seed & _MASK)

    def integers(self, field: str, count: int, low: int, high: int) -> I64:
        """Integers uniform in ``[low, high)`` (the modulo bias is below 2**-40 for these spans)."""
        span = np.uint64(high - low)
        return (self.column(field, count) % span).astype(np.int64) + np.int64(low)

    def uniforms(self, field: str, count: int) -> npt.NDArray[np.float64]:
        """Floats uniform in ``[0, 1)`` from the top 53 bits."""
        return (self.column(field, count) >> np.uint64(11)).astype(np.float64) / float(2**53)

    def record_seed(self, index: int) -> int:
        """The base of record ``index``'s rendered fields (equal to ``at("record", [index])``, without numpy)."""
        return mix64((mix64(index ^ _int_key(self.seed, self.api, "record")) + (self.seed & _MASK)) & _MASK)

    def page_keys(self, fields: Sequence[str]) -> tuple[int, int, list[int]]:
        """What a compiled page renderer needs to compute ``stream(f, i)`` for each of ``fields``: the record key, the
        seed (64 bits) and each field's key."""
        return (
            _int_key(self.seed, self.api, "record"),
            self.seed & _MASK,
            [_int_key(self.seed, self.api, f) for f in fields],
        )

    def stream(self, field: str, index: int) -> int:
        """The 64-bit value rendered field ``field`` of record ``index`` is made from (``renderer`` computes the
        same for all of a record's fields at once)."""
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


# --- One field's value: how a rendered field turns its 64 bits into what it needs --------------------------------


def chance(bits: int, p: float) -> bool:
    """True with probability ``p`` (to 2**-32), from the high 32 bits: the low 32 stay free for the value."""
    return (bits >> 32) < p * 4294967296.0


def integer(bits: int, low: int, high: int) -> int:
    """An integer uniform in ``[low, high)`` from the low 32 bits, by multiply-high (``high - low`` below 2**32).

    Each value's probability is within ``(high - low) / 2**32`` of the exact one, relatively: 2e-4 for the widest
    span drawn (codePin's 900,000 values), 2e-5 or less for the others.
    """
    return ((bits & _LOW32) * (high - low) >> 32) + low


def more_bits(bits: int) -> int:
    """The next 64 bits of a field's own stream, for a field that needs more than 64 (SplitMix64 from ``bits``)."""
    return mix64(bits)


# --- Records: an ordered table of fields ----------------------------------------------------------------------------

D = TypeVar("D")  # one dataset's columns and pools, as its makers read them
_UNMADE = object()  # a slot of ``order`` not made yet: unusable in arithmetic, unserialisable as JSON


Maker = Callable[[D, int, int, dict[str, Any]], Any]  # (dataset, record index, the field's bits, values made so far)


@dataclass(frozen=True)
class Field(Generic[D]):
    """One rendered field: its name (also its stream's), its maker and, optionally, how its value is written.

    ``make(data, index, bits, values)`` returns the field's value from ``bits`` (this field's own 64-bit value,
    ``Hasher.stream(name, index)``; a field made from columns alone ignores it) and ``values`` (the fields made
    before it, as their makers returned them). ``write``, when given, turns that value into the one served (an
    instant in µs into its RFC 3339 text, say) once every maker has run, so later makers read the unwritten value.
    """

    name: str
    make: Maker[D]
    write: Callable[[Any], Any] | None = None


def _lanes(keys: Sequence[int]) -> Callable[[int], tuple[int, ...]]:
    """``base -> tuple(mix64(base ^ key) for key in keys)``, all keys at once.

    Each key gets a 128-bit lane of one Python int (a 64-bit value and room above it for its 64x64-bit products);
    a handful of big-int operations then do every lane's SplitMix64 together, masking each lane back to 64 bits
    before it is multiplied, and a little-endian ``struct`` reads the lanes out (the same on every machine): a
    record's fields in one pass, not a ``mix64`` call per field (what that saves: ``bench/RESULTS.md``).
    """
    count = len(keys)
    ones = sum(1 << (128 * lane) for lane in range(count))  # base * ones: base in every lane
    mask = _MASK * ones
    golden = 0x9E3779B97F4A7C15 * ones
    packed = sum(key << (128 * lane) for lane, key in enumerate(keys))
    unpack = struct.Struct("<" + "Q8x" * count).unpack
    size = 16 * count

    def mix(base: int) -> tuple[int, ...]:
        z = (((base * ones) ^ packed) + golden) & mask
        z = (((z ^ (z >> 30)) & mask) * 0xBF58476D1CE4E5B9) & mask
        z = (((z ^ (z >> 27)) & mask) * 0x94D049BB133111EB) & mask
        return unpack((z ^ ((z >> 31) & mask)).to_bytes(size, "little"))

    return mix


PageRenderer = Callable[[Sequence[int] | npt.NDArray[np.signedinteger[Any]]], bytes]  # indexes -> their JSON array


class Records:
    """Record ``index`` as a dict (``records(index)``); ``page``, when an API gives one, renders many records' JSON
    in one pass, byte for byte as ``orjson.dumps`` of each dict."""

    def __init__(self, render: Callable[[int], dict[str, Any]], page: PageRenderer | None = None) -> None:
        self.render = render
        self.page = page

    def __call__(self, index: int) -> dict[str, Any]:
        return self.render(index)


def renderer(
    hasher: Hasher, data: D, fields: Sequence[Field[D]], order: Sequence[str] = ()
) -> Callable[[int], dict[str, Any]]:
    """Record ``index`` as a dict: ``fields`` made in table order, written in ``order`` (then any others).

    Field ``f`` of record ``index`` is made from ``Hasher.stream(f.name, index)``: the keys are computed here once,
    the record's base once per record, then every field's ``mix64`` at once (``_lanes``).
    """
    names = [f.name for f in fields]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"fields named twice would share a stream and a key: {twice}")
    record_key, seed = int(hasher.key("record")), hasher.seed & _MASK
    keys = [int(hasher.key(f.name)) for f in fields]
    if len(set(keys)) != len(keys):  # two names whose 64-bit keys collide would draw the same values
        raise ValueError(f"two field names share a stream key: {names}")
    streams = _lanes(keys)
    steps = tuple((f.name, f.make) for f in fields)
    writes = tuple((f.name, f.write) for f in fields if f.write is not None)
    blank = dict.fromkeys(order, _UNMADE)

    def render(index: int) -> dict[str, Any]:
        values = blank.copy()
        for (name, make), bits in zip(steps, streams(mix64((mix64(index ^ record_key) + seed) & _MASK)), strict=True):
            values[name] = make(data, index, bits, values)
        for name, write in writes:
            values[name] = write(values[name])
        return values

    return render


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
