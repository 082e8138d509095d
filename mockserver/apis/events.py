"""events: wire parameters to a Query, pages to wire JSON, and the generated records (zh_TW)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mockserver.apis.table import ApiMapping, Renderer
from mockserver.core.draws import I64, U64, Field, Rng, TextPools, chance, renderer
from mockserver.core.instants import DAY_US, MINUTE_US, format_instant, valid_instant
from mockserver.core.query import Bound, Page, Query
from mockserver.core.store import Columns

__all__ = ["CATEGORIES", "LIMIT_CAP", "MAPPING"]

LIMIT_CAP = 100
CATEGORIES = ("學生", "教職員", "行政", "活動", "考試", "假日")
_OFFSET_MINUTES = 8 * 60  # timestamps are written at +08:00, as in the document


def to_query(params: Mapping[str, Any]) -> Query:
    field = params.get("orderBy", "start")
    return Query(
        order=field,
        bounds=(Bound(field, ">=", valid_instant(params["from"])), Bound(field, "<", valid_instant(params["to"]))),
        page=params.get("page", 1),
        size=min(params.get("limit", 5), LIMIT_CAP),
        category=params.get("category"),
    )


def page_body(page: Page, params: Mapping[str, Any], items: list[Any]) -> dict[str, Any]:
    return {"events": items, "count": page.total, "page": params.get("page", 1)}


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
    id_rank = np.lexsort((low, high)).argsort().astype(np.int64)
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
    return columns, renderer(rng.hasher, data, fields)


MAPPING = ApiMapping(
    api="events",
    base_path="",
    list_key="events",
    time_fields=("start", "end", "created_at", "updated_at"),
    order_fields=("start", "end", "created_at", "updated_at"),
    category_field="category",
    int_ids=False,
    to_query=to_query,
    page_body=page_body,
    generate=generate,
)
