"""The table of a third list API, known only to the tests (its spec is ``bookings.yaml`` beside this file)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mockserver.apis.shape import ApiTable, Renderer, Window
from mockserver.core.draws import Rng, TextPools
from mockserver.core.fields import Column, choice, instant, integer
from mockserver.core.instants import MINUTE_US
from mockserver.core.render import Dataset, records
from mockserver.core.store import Columns

ROOMS = ("Ada", "Babbage", "Curie", "Dijkstra")
# Each field declared once: the native writer writes them (no C knows this API), as the Python renderer does.
FIELDS = (
    integer("id", Column("id")),
    choice("room", ROOMS, Column("room")),
    instant("start", Column("start")),
    instant("end", Column("end")),
)


def generate(seed: int, count: int, anchor: int) -> tuple[Columns, Renderer]:
    """``count`` bookings of a room, starting within ±60 days of ``anchor`` on a quarter hour, 15 min to 4 h long."""
    rng = Rng(seed, "bookings", count)
    quarter = 15 * MINUTE_US
    start = anchor + rng.integers("start", -60 * 96, 60 * 96) * quarter
    end = start + rng.integers("length", 1, 17) * quarter
    room = rng.integers("room", 0, len(ROOMS)).astype(np.int8)
    ids = rng.integers("id", 0, 2**40) * 4096 + np.arange(count)  # unique, and in no relation to start
    columns = Columns(
        count=count,
        times={"start": start, "end": end},
        id_rank=ids.argsort().argsort(),
        ids=ids,
        category=room,
        category_names=ROOMS,
    )

    for column in (start, end, room, ids):
        column.setflags(write=False)
    data = Dataset(
        rng.hasher, {"id": ids, "room": room, "start": start, "end": end}, anchor, TextPools("en_US", rng.hasher, {})
    )
    return columns, records(data, FIELDS, TABLE.record_fields)


TABLE = ApiTable(
    name="bookings",
    base_path="/rooms",
    items_key="items",
    window=Window("half-open", lower="since", upper="until"),
    order_fields=("start",),
    time_fields=("start", "end"),
    size_param="perPage",
    page_param="pageNo",
    category_param="roomName",
    category_field="room",
    count_param="withTotal",
    count_key="total",
    empty_matches_nothing=("roomName",),
    page_key=("meta", "pageNo"),
    size_key=("meta", "perPage"),
    int_ids=True,
    generate=generate,
    spec_file=Path(__file__).resolve().parent / "bookings.yaml",
    strict_pairs=(("start", "end"),),
    utc_millis=("start", "end"),
)
