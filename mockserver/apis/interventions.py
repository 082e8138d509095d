"""interventions: the table of the interventions API, and its generated records (fr_FR)."""

from __future__ import annotations

import numpy as np

from mockserver.apis.fields.interventions import FIELDS
from mockserver.apis.shape import ApiTable, Renderer, Window
from mockserver.core.draws import Rng, TextPools
from mockserver.core.fields import Field
from mockserver.core.instants import MINUTE_US
from mockserver.core.render import Dataset, records
from mockserver.core.store import Columns

__all__ = ["FIELDS", "TABLE"]


def generate(seed: int, count: int, anchor: int, fields: tuple[Field, ...] = FIELDS) -> tuple[Columns, Renderer]:
    """``count`` interventions scheduled within ±180 days of ``anchor`` (µs), on quarter hours; records made by
    ``fields`` and written in the spec's order."""
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
    pools = TextPools(
        "fr_FR",
        rng.hasher,
        {
            "description": lambda f: f.sentence(nb_words=8),
            "company": lambda f: f.company(),
            "email": lambda f: f.company_email(),
            "comment": lambda f: f.sentence(),
        },
    )
    data = Dataset(rng.hasher, {"scheduledStart": start, "scheduledEnd": end}, anchor, pools)
    return columns, records(data, fields, TABLE.record_fields)


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
