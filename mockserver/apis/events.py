"""events: the table of the events API, and its generated records (zh_TW)."""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

from mockserver.apis.shape import ApiTable, Renderer, Window
from mockserver.core import native
from mockserver.core.draws import I64, U64, Field, Hasher, PageRenderer, Records, Rng, TextPools, chance, renderer
from mockserver.core.instants import DAY_US, MINUTE_US, format_instant
from mockserver.core.store import Columns

# The page renderer in C where it was built; else the makers (``FIELDS``, the reference) write each record.
PAGES_BUILT = native.built("mockserver.apis._pages")
if PAGES_BUILT:
    from mockserver.apis import _pages

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


# The page renderer (_pages.c): the same records as ``FIELDS`` make, written in C from the same columns, keys and
# pools (test_page_render holds them byte for byte equal). The drawn fields, in the order the C reads their keys.
_DRAWN = ("summary", "description", "location", "link")
_PRESENT = (1.0, 0.8, 0.85, 0.75)  # each drawn field's chance of being there (``chance`` in FIELDS)


def _page_renderer(d: _Events, hasher: Hasher) -> PageRenderer:
    """The C page renderer of ``d``; its context (which writes the text pools) is made on the first page."""

    @functools.cache
    def context() -> _pages.Context:
        record_key, seed, keys = hasher.page_keys(_DRAWN)
        columns = (d.start, d.end, d.created, d.updated, d.high, d.low, d.category)
        pools = tuple(d.text.written(name) for name in _DRAWN)
        categories = tuple(orjson.dumps(c) for c in CATEGORIES)
        thresholds = [p * 4294967296.0 for p in _PRESENT]
        return _pages.events_context(*columns, record_key, seed, keys, thresholds, pools, categories, _OFFSET_MINUTES)

    return lambda indexes: _pages.events_page(context(), indexes)


def _ranks(high: U64, low: U64) -> I64:
    """Each id's rank in id order (ids compare as (high, low)).

    One sort of plain values, not an argsort (numpy sorts plain values with SIMD, an argsort without): each record's
    index is packed under the top bits of its ``high``; records whose top bits agree (a few pairs in a million, if
    any) are then put in (high, low) order among themselves.
    """
    count = len(high)
    bits = max(count - 1, 1).bit_length()
    under = np.uint64(bits)
    packed = (high >> under << under) | np.arange(count, dtype=np.uint64)
    packed.sort()
    by_id = (packed & np.uint64((1 << bits) - 1)).astype(np.int64)
    top = packed >> under
    tied = top[1:] == top[:-1]
    if bool(tied.any()):
        runs = np.concatenate(([0], np.cumsum(~tied)))  # positions with the same top bits share a run
        at = np.flatnonzero(np.concatenate((tied, [False])) | np.concatenate(([False], tied)))
        records = by_id[at]
        by_id[at] = records[np.lexsort((low[records], high[records], runs[at]))]
    rank = np.empty(count, dtype=np.int64)
    rank[by_id] = np.arange(count, dtype=np.int64)
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
    for column in (
        start,
        end,
        created,
        updated,
        high,
        low,
        category,
    ):  # read-only: the page renderer reads them, nothing writes them
        column.setflags(write=False)
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
    if fields is not FIELDS or not PAGES_BUILT:  # a changed table (only the makers know it), or no C renderer
        return columns, render
    return columns, Records(render, _page_renderer(data, rng.hasher))


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
