"""The table of a third list API, known only to the tests (its spec is ``bookings.yaml`` beside this file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from mockserver.apis.shape import ApiTable, Renderer, Window
from mockserver.core.draws import Rng
from mockserver.core.instants import MINUTE_US, format_instant
from mockserver.core.store import Columns

ROOMS = ("Ada", "Babbage", "Curie", "Dijkstra")


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

    def render(i: int) -> dict[str, Any]:
        return {
            "id": int(ids[i]),
            "room": ROOMS[int(room[i])],
            "start": format_instant(int(start[i])),
            "end": format_instant(int(end[i])),
        }

    return columns, render


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
