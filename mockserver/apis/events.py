"""events: the table of the events API, and its generated records (zh_TW)."""

from __future__ import annotations

import numpy as np

from mockserver.apis.fields.events import CATEGORIES, FIELDS
from mockserver.apis.shape import ApiTable, Renderer, Window
from mockserver.core.draws import I64, U64, Rng, TextPools
from mockserver.core.fields import Field
from mockserver.core.instants import DAY_US, MINUTE_US
from mockserver.core.render import Dataset, records
from mockserver.core.store import Columns

__all__ = ["CATEGORIES", "FIELDS", "TABLE"]


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


def generate(seed: int, count: int, anchor: int, fields: tuple[Field, ...] = FIELDS) -> tuple[Columns, Renderer]:
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
    pools = TextPools(
        "zh_TW",
        rng.hasher,
        {
            "summary": lambda f: f.sentence(nb_words=4),
            "description": lambda f: f.paragraph(nb_sentences=2),
            "location": lambda f: f.address(),
            "link": lambda f: f.url(),
        },
    )
    named = {"start": start, "end": end, "created_at": created, "updated_at": updated, "category": category}
    ids = {"id.high": high.view(np.int64), "id.low": low.view(np.int64)}  # (read as int64: the id writer's bits)
    data = Dataset(rng.hasher, {**named, **ids}, anchor, pools)
    return columns, records(data, fields, TABLE.record_fields)


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
