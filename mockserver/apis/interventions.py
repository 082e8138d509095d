"""interventions: the table of the interventions API, and its generated records (fr_FR)."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np

from mockserver.apis.shape import ApiTable, Renderer, Window
from mockserver.core import native
from mockserver.core.draws import (
    I64,
    Field,
    Hasher,
    Maker,
    PageRenderer,
    Records,
    Rng,
    TextPools,
    chance,
    integer,
    more_bits,
    renderer,
)
from mockserver.core.instants import DAY_US, MINUTE_US, format_instant
from mockserver.core.store import Columns

# The page renderer in C where it was built; else the makers (``FIELDS``, the reference) write each record.
PAGES_BUILT = native.built("mockserver.apis._pages")
if PAGES_BUILT:
    from mockserver.apis import _pages

__all__ = ["TABLE"]


@dataclass(frozen=True, slots=True)
class _Interventions:
    """One interventions dataset as its field makers read it: the schedule columns, the anchor and the text pools."""

    start: I64
    end: I64
    anchor: int
    text: TextPools


def _actual_start(d: _Interventions, i: int, bits: int, v: dict[str, Any]) -> int | None:
    """Begun, when scheduled before the anchor, 92% of the time: 30 min early to 60 min late."""
    s = v["scheduledStart"]
    return s + integer(bits, -30, 61) * MINUTE_US if s < d.anchor and chance(bits, 0.92) else None


def _actual_end(d: _Interventions, i: int, bits: int, v: dict[str, Any]) -> int | None:
    """Ended, when begun and scheduled to end before the anchor: the scheduled length, 60 min shorter to 90 longer."""
    s, e, begun = v["scheduledStart"], v["scheduledEnd"], v["actualStart"]
    if begun is None or e >= d.anchor:
        return None
    return int(begun + max(0, (e - s) + integer(bits, -60, 91) * MINUTE_US))


def _status(d: _Interventions, i: int, bits: int, v: dict[str, Any]) -> int:
    """4 cancelled (6% of those never begun), 3 ended, 2 begun, 1 planned."""
    if v["actualStart"] is None:
        return 4 if chance(bits, 0.06) else 1
    return 3 if v["actualEnd"] is not None else 2


def _img_signature(d: _Interventions, i: int, bits: int, v: dict[str, Any]) -> str | None:
    """For ended interventions: a version-4 UUID from the field's 64 bits and the next 64 of its own stream."""
    if v["actualEnd"] is None:
        return None
    return f"signatures/{uuid.UUID(int=(bits << 64) | more_bits(bits), version=4)}.png"


def _verified_at(d: _Interventions, i: int, bits: int, v: dict[str, Any]) -> int | None:
    """60% of ended interventions, 1 h to 3 days after their end."""
    ended = v["actualEnd"]
    return ended + integer(bits, 60, 3 * 1440 + 1) * MINUTE_US if ended is not None and chance(bits, 0.6) else None


def _archived_at(d: _Interventions, i: int, bits: int, v: dict[str, Any]) -> int | None:
    """30% of verified interventions, 1 to 30 days after verification."""
    verified = v["verifiedAt"]
    return verified + integer(bits, 1, 31) * DAY_US if verified is not None and chance(bits, 0.3) else None


def _updated_at(d: _Interventions, i: int, bits: int, v: dict[str, Any]) -> int:
    """Up to 3 days after creation, and never before verification or archiving."""
    edited = v["createdAt"] + integer(bits, 0, 3 * 1440 + 1) * MINUTE_US
    return int(max(edited, v["verifiedAt"] or 0, v["archivedAt"] or 0))


def _text(pool: str, p: float = 1.0) -> Maker[_Interventions]:
    """A pick from ``pool``, present with probability ``p``."""
    if p == 1.0:
        return lambda d, i, bits, v: d.text.pick(pool, bits)
    return lambda d, i, bits, v: d.text.pick(pool, bits) if chance(bits, p) else None


def _number(low: int, high: int, p: float = 1.0) -> Maker[_Interventions]:
    """An integer uniform in ``[low, high]``, present with probability ``p``."""
    if p == 1.0:
        return lambda d, i, bits, v: integer(bits, low, high + 1)
    return lambda d, i, bits, v: integer(bits, low, high + 1) if chance(bits, p) else None


def _written(micros: int | None) -> str | None:
    return None if micros is None else format_instant(micros)


_EVENT_TYPES = (101, 123, 130, 205, 310)

# The record's fields in the order they are made (a maker reads the values made before it); instants stay in µs
# until every field is made, then are written. Each field that draws reads its own stream (see ``renderer``), so a
# field added here changes no other.
FIELDS: tuple[Field[_Interventions], ...] = (
    Field("id", lambda d, i, bits, v: i + 1),
    Field("scheduledStart", lambda d, i, bits, v: int(d.start[i]), write=_written),
    Field("scheduledEnd", lambda d, i, bits, v: int(d.end[i]), write=_written),
    Field("actualStart", _actual_start, write=_written),
    Field("actualEnd", _actual_end, write=_written),
    Field("status", _status),
    Field("type", _number(1, 5)),
    Field("description", _text("description")),
    Field("imgSignature", _img_signature),
    Field("codePin", _number(100000, 999999)),
    Field("autoCreated", lambda d, i, bits, v: chance(bits, 0.3)),
    Field("creationStatus", _number(1, 3)),
    Field("providerName", _text("company")),
    Field("providerEmail", _text("email")),
    Field(
        "providerActionComment",
        lambda d, i, bits, v: (
            d.text.pick("comment", bits) if v["actualStart"] is not None and chance(bits, 0.5) else None
        ),
    ),
    Field("providerGeneralComment", _text("comment", 0.3)),
    Field("assignedCompanyContactId", _number(1, 500, 0.7)),
    Field("assignedUserId", _number(1, 200, 0.8)),
    Field("verifiedAt", _verified_at, write=_written),
    Field("verifiedByUserId", lambda d, i, bits, v: None if v["verifiedAt"] is None else integer(bits, 1, 201)),
    Field(
        "decisionComment",
        lambda d, i, bits, v: d.text.pick("comment", bits) if v["status"] == 4 or chance(bits, 0.1) else None,
    ),
    Field("attendeeCount", _number(1, 60)),
    Field("routineId", _number(1, 80, 0.4)),
    Field("organizationId", _number(1, 12)),
    Field("createdByUserId", lambda d, i, bits, v: None if v["autoCreated"] else integer(bits, 1, 201)),
    Field("archivedAt", _archived_at, write=_written),
    Field(
        "createdAt",
        lambda d, i, bits, v: v["scheduledStart"] - integer(bits, 1, 60 * 1440 + 1) * MINUTE_US,
        write=_written,
    ),
    Field("updatedAt", _updated_at, write=_written),
    Field("eventType", lambda d, i, bits, v: _EVENT_TYPES[integer(bits, 0, len(_EVENT_TYPES))]),
)
# The order a record's fields are written in: the spec's (a test holds them equal).
ORDER = (
    "id",
    "status",
    "type",
    "description",
    "imgSignature",
    "codePin",
    "autoCreated",
    "creationStatus",
    "scheduledStart",
    "scheduledEnd",
    "actualStart",
    "actualEnd",
    "providerName",
    "providerEmail",
    "providerActionComment",
    "providerGeneralComment",
    "assignedCompanyContactId",
    "assignedUserId",
    "verifiedByUserId",
    "verifiedAt",
    "decisionComment",
    "attendeeCount",
    "routineId",
    "organizationId",
    "createdByUserId",
    "archivedAt",
    "updatedAt",
    "createdAt",
    "eventType",
)


# The page renderer (_pages.c): the same records as ``FIELDS`` make, written in C from the same columns, keys and
# pools (test_page_render holds them byte for byte equal). The C mirrors each maker above by the field's name, and
# reads each field's key, ``integer`` range and ``chance`` probability from here, in FIELDS' order.
_DRAWN = tuple(f.name for f in FIELDS)
if PAGES_BUILT and _DRAWN != _pages.INTERVENTIONS_FIELDS:
    raise ImportError(f"_pages.c renders the fields {_pages.INTERVENTIONS_FIELDS}, FIELDS has {_DRAWN}")
_RANGES = {
    "actualStart": (-30, 61),
    "actualEnd": (-60, 91),
    "type": (1, 6),
    "codePin": (100000, 1000000),
    "creationStatus": (1, 4),
    "assignedCompanyContactId": (1, 501),
    "assignedUserId": (1, 201),
    "verifiedAt": (60, 3 * 1440 + 1),
    "verifiedByUserId": (1, 201),
    "attendeeCount": (1, 61),
    "routineId": (1, 81),
    "organizationId": (1, 13),
    "createdByUserId": (1, 201),
    "archivedAt": (1, 31),
    "createdAt": (1, 60 * 1440 + 1),
    "updatedAt": (0, 3 * 1440 + 1),
    "eventType": (0, len(_EVENT_TYPES)),
}
_CHANCES = {
    "actualStart": 0.92,
    "status": 0.06,
    "autoCreated": 0.3,
    "providerActionComment": 0.5,
    "providerGeneralComment": 0.3,
    "assignedCompanyContactId": 0.7,
    "assignedUserId": 0.8,
    "verifiedAt": 0.6,
    "decisionComment": 0.1,
    "routineId": 0.4,
    "archivedAt": 0.3,
}
_POOLS = ("description", "company", "email", "comment")  # in the order the C reads them


def _page_renderer(d: _Interventions, hasher: Hasher) -> PageRenderer:
    """The C page renderer of ``d``; its context (which writes the text pools) is made on the first page."""

    @functools.cache
    def context() -> _pages.Context:
        record_key, seed, keys = hasher.page_keys(_DRAWN)
        ranges = [_RANGES.get(name, (0, 1)) for name in _DRAWN]
        lows, spans = [low for low, _ in ranges], [high - low for low, high in ranges]
        thresholds = [_CHANCES.get(name, 0.0) * 4294967296.0 for name in _DRAWN]
        pools = tuple(d.text.written(name) for name in _POOLS)
        return _pages.interventions_context(
            d.start, d.end, d.anchor, record_key, seed, keys, lows, spans, thresholds, pools
        )

    return lambda indexes: _pages.interventions_page(context(), indexes)


def generate(
    seed: int, count: int, anchor: int, fields: tuple[Field[_Interventions], ...] = FIELDS
) -> tuple[Columns, Renderer]:
    """``count`` interventions scheduled within ±180 days of ``anchor`` (µs), on quarter hours; records made by
    ``fields`` and written in ``ORDER``."""
    rng = Rng(seed, "interventions", count)
    quarter = 15 * MINUTE_US
    start = anchor + rng.integers("scheduledStart", -180 * 96, 180 * 96) * quarter
    short = rng.integers("duration.short", 2, 33) * quarter  # 30 min to 8 h
    long = rng.integers("duration.long", 1 * 96, 5 * 96 + 1) * quarter  # 1 to 5 days
    end = start + np.where(rng.uniforms("duration.kind") < 0.75, short, long)
    ids = np.arange(1, count + 1, dtype=np.int64)
    for column in (start, end):  # read-only: the page renderer reads them, nothing writes them
        column.setflags(write=False)
    columns = Columns(count=count, times={"scheduledStart": start, "scheduledEnd": end}, id_rank=ids, ids=ids)
    text = TextPools(
        "fr_FR",
        rng.hasher,
        {
            "description": lambda f: f.sentence(nb_words=8),
            "company": lambda f: f.company(),
            "email": lambda f: f.company_email(),
            "comment": lambda f: f.sentence(),
        },
    )
    data = _Interventions(start, end, anchor, text)
    render = renderer(rng.hasher, data, fields, ORDER)
    if fields is not FIELDS or not PAGES_BUILT:  # a changed table (only the makers know it), or no C renderer
        return columns, render
    return columns, Records(render, _page_renderer(data, rng.hasher))


TABLE = ApiTable(
    name="interventions",
    base_path="/main",
    items_key="data",
    window=Window("overlap", lower="scheduledStart", upper="scheduledEnd", period=("scheduledStart", "scheduledEnd")),
    order_fields=("scheduledStart",),
    time_fields=("scheduledStart", "scheduledEnd"),
    size_param="pageSize",
    page_param="page",
    find_param="findId",
    count_param="includeCount",
    count_key="totalCount",
    page_key=("pagination", "page"),
    size_key=("pagination", "pageSize"),
    int_ids=True,
    generate=generate,
    strict_pairs=(("scheduledStart", "scheduledEnd"),),
    loose_pairs=(("createdAt", "updatedAt"), ("actualStart", "actualEnd")),
    null_together=(("verifiedAt", "verifiedByUserId"),),
    null_unless=(("actualEnd", "actualStart"),),
    null_when_true=(("createdByUserId", "autoCreated"),),
    utc_millis=(
        "scheduledStart",
        "scheduledEnd",
        "actualStart",
        "actualEnd",
        "verifiedAt",
        "archivedAt",
        "updatedAt",
        "createdAt",
    ),
    inert_params={"includeSites": ("true", "false"), "subPageSize": ("1", "-3", "500")},
)
