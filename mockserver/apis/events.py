"""events: the table of the events API, and its generated records (zh_TW)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

from mockserver.apis.shape import ApiTable, Renderer, Window
from mockserver.core.draws import I64, U64, Field, Hasher, Records, Rng, TextPools, chance, chances, renderer
from mockserver.core.instants import DAY_US, MINUTE_US, format_instant, format_instants
from mockserver.core.store import Columns

__all__ = ["CATEGORIES", "TABLE"]

CATEGORIES = ("學生", "教職員", "行政", "活動", "考試", "假日")
_OFFSET_MINUTES = 8 * 60  # timestamps are written at +08:00, as in the document


def _event_id(high: int, low: int) -> str:
    """26 base32hex characters (``[0-9a-v]``) of a 130-bit number; string order equals numeric order."""
    number = (high << 66) | (low << 2) | (high & 3)
    # 130 bits, padded with 30 zero bits to 20 bytes: the first 26 base32hex characters are the number's.
    return base64.b32hexencode((number << 30).to_bytes(20, "big"))[:26].decode().lower()


@dataclass(frozen=True, slots=True)
class _Events:
    """One events dataset as its field makers read it: the columns and the text pools."""

    start: I64
    end: I64
    created: I64
    updated: I64
    high: U64
    low: U64
    category: np.ndarray[Any, np.dtype[np.int8]]
    text: TextPools


def _instant(column: I64, i: int) -> str:
    return format_instant(int(column[i]), _OFFSET_MINUTES)


# The record's fields, in the order they are made and written. Each field that draws reads its own stream (see
# ``renderer``), so a field added here changes no other.
FIELDS: tuple[Field[_Events], ...] = (
    Field("id", lambda d, i, bits, v: _event_id(int(d.high[i]), int(d.low[i]))),
    Field("created_at", lambda d, i, bits, v: _instant(d.created, i)),
    Field("updated_at", lambda d, i, bits, v: _instant(d.updated, i)),
    Field("summary", lambda d, i, bits, v: d.text.pick("summary", bits)),
    Field("description", lambda d, i, bits, v: d.text.pick("description", bits) if chance(bits, 0.8) else None),
    Field("location", lambda d, i, bits, v: d.text.pick("location", bits) if chance(bits, 0.85) else None),
    Field("category", lambda d, i, bits, v: CATEGORIES[int(d.category[i])]),
    Field("start", lambda d, i, bits, v: _instant(d.start, i)),
    Field("end", lambda d, i, bits, v: _instant(d.end, i)),
    Field("link", lambda d, i, bits, v: d.text.pick("link", bits) if chance(bits, 0.75) else None),
)


# The page renderer: the same records as ``FIELDS`` make, computed a page at a time (test_page_render holds them
# byte for byte equal). An id's 26 characters are 5-bit groups of (high << 66) | (low << 2) | (high & 3).
_BASE32HEX = np.frombuffer(b"0123456789abcdefghijklmnopqrstuv", dtype=np.uint8)
_HIGH_SHIFTS = np.array([59 - 5 * k for k in range(12)], dtype=np.uint64)  # characters 0-11: high bits 63..4
_LOW_SHIFTS = np.array([58 - 5 * k for k in range(12)], dtype=np.uint64)  # characters 13-24: low bits 62..3
_DRAWN = ("summary", "description", "location", "link")
_PRESENT = np.array([1.0, 0.8, 0.85, 0.75])  # each drawn field's chance of being there (``chance`` in FIELDS)
_TEMPLATE = (
    b'{"id":"%b","created_at":%b,"updated_at":%b,"summary":%b,"description":%b,"location":%b,"category":%b,'
    b'"start":%b,"end":%b,"link":%b}'
)
_CATEGORY_JSON = np.array([orjson.dumps(c) for c in CATEGORIES], dtype=object)


def _event_ids(high: U64, low: U64) -> list[bytes]:
    """``_event_id`` of each (high, low), vectorised."""
    five, three, one = np.uint64(31), np.uint64(7), np.uint64(1)
    groups = np.empty((len(high), 26), dtype=np.uint64)
    groups[:, :12] = (high[:, None] >> _HIGH_SHIFTS) & five
    groups[:, 12] = ((high & np.uint64(15)) << one) | (low >> np.uint64(63))
    groups[:, 13:25] = (low[:, None] >> _LOW_SHIFTS) & five
    groups[:, 25] = ((low & three) << np.uint64(2)) | (high & np.uint64(3))
    return _BASE32HEX[groups.astype(np.intp)].view("S26").ravel().tolist()


def _page(d: _Events, hasher: Hasher, indexes: Sequence[int]) -> list[bytes]:
    at = np.asarray(indexes, dtype=np.intp)
    n = len(at)
    bits = hasher.streams(_DRAWN, indexes)
    summary, description, location, link = d.text.picks_of(_DRAWN, bits, chances(bits, _PRESENT))
    times = np.concatenate([d.created[at], d.updated[at], d.start[at], d.end[at]])
    written = format_instants(times, None, _OFFSET_MINUTES)
    columns = (
        _event_ids(d.high[at], d.low[at]),
        written[:n],
        written[n : 2 * n],
        summary,
        description,
        location,
        _CATEGORY_JSON[d.category[at]].tolist(),
        written[2 * n : 3 * n],
        written[3 * n :],
        link,
    )
    return [_TEMPLATE % row for row in zip(*columns, strict=True)]


def _ranks(high: U64, low: U64) -> I64:
    """Each id's rank in id order (ids compare as (high, low)): one sort of ``high`` unless two highs are equal."""
    by_id = np.argsort(high)
    ordered = high[by_id]
    if len(high) > 1 and bool(np.any(ordered[1:] == ordered[:-1])):
        by_id = np.lexsort((low, high))
    rank = np.empty(len(high), dtype=np.int64)
    rank[by_id] = np.arange(len(high), dtype=np.int64)
    return rank


def generate(
    seed: int, count: int, anchor: int, fields: tuple[Field[_Events], ...] = FIELDS
) -> tuple[Columns, Renderer]:
    """``count`` events starting within ±365 days of ``anchor`` (µs), on half hours; records made by ``fields``."""
    rng = Rng(seed, "events", count)
    half_hour = 30 * MINUTE_US
    start = anchor + rng.integers("start", -365 * 48, 365 * 48) * half_hour
    short = rng.integers("duration.short", 1, 17) * half_hour  # 30 min to 8 h
    long = rng.integers("duration.long", 1, 181) * DAY_US  # a term or a holiday: 1 to 180 days
    end = start + np.where(rng.uniforms("duration.kind") < 0.8, short, long)
    created = start - rng.integers("created_at", 60_000, 120 * 86_400_000) * 1000  # whole ms before start
    edited = rng.integers("updated_at", 1000, 30 * 86_400_000) * 1000
    updated = created + np.where(rng.uniforms("updated_at.same") < 0.3, 0, edited)
    high, low = rng.column("id.high"), rng.column("id.low")
    id_rank = _ranks(high, low)
    category = rng.integers("category", 0, len(CATEGORIES)).astype(np.int8)
    columns = Columns(
        count=count,
        times={"start": start, "end": end, "created_at": created, "updated_at": updated},
        id_rank=id_rank,
        category=category,
        category_names=CATEGORIES,
    )
    text = TextPools(
        "zh_TW",
        rng.hasher,
        {
            "summary": lambda f: f.sentence(nb_words=4),
            "description": lambda f: f.paragraph(nb_sentences=2),
            "location": lambda f: f.address(),
            "link": lambda f: f.url(),
        },
    )
    data = _Events(start, end, created, updated, high, low, category, text)
    render = renderer(rng.hasher, data, fields)
    if fields is not FIELDS:  # a changed table: only the one-record renderer knows it
        return columns, render
    return columns, Records(render, lambda indexes: _page(data, rng.hasher, indexes))


TABLE = ApiTable(
    name="events",
    base_path="",
    items_key="events",
    window=Window("half-open", lower="from", upper="to"),
    order_param="orderBy",
    order_fields=("start", "end", "created_at", "updated_at"),
    time_fields=("start", "end", "created_at", "updated_at"),
    size_param="limit",
    page_param="page",
    category_param="category",
    category_field="category",
    count_key="count",
    page_key=("page",),
    generate=generate,
    strict_pairs=(("start", "end"),),
    loose_pairs=(("created_at", "updated_at"),),
    empty_matches_nothing=("category",),
)
