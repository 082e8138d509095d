"""interventions: the table of the interventions API, and its generated records (fr_FR)."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np

from mockserver.apis.shape import ApiTable, Renderer, Window
from mockserver.core.draws import Rng, TextPools
from mockserver.core.instants import DAY_US, MINUTE_US, format_instant
from mockserver.core.store import Columns

__all__ = ["TABLE"]


def generate(seed: int, count: int, anchor: int) -> tuple[Columns, Renderer]:
    """``count`` interventions scheduled within ±180 days of ``anchor`` (µs), on quarter hours."""
    rng = Rng(seed, "interventions", count)
    quarter = 15 * MINUTE_US
    start = anchor + rng.integers("scheduledStart", -180 * 96, 180 * 96) * quarter
    short = rng.integers("duration.short", 2, 33) * quarter  # 30 min to 8 h
    long = rng.integers("duration.long", 1 * 96, 5 * 96 + 1) * quarter  # 1 to 5 days
    end = start + np.where(rng.uniforms("duration.kind") < 0.75, short, long)
    ids = np.arange(1, count + 1, dtype=np.int64)
    columns = Columns(count=count, times={"scheduledStart": start, "scheduledEnd": end}, id_rank=ids, ids=ids)
    text = TextPools("fr_FR", rng.hasher, {
        "description": lambda f: f.sentence(nb_words=8),
        "company": lambda f: f.company(),
        "email": lambda f: f.company_email(),
        "comment": lambda f: f.sentence(),
    })

    def render(i: int) -> dict[str, Any]:
        r = rng.hasher.record_random(i)
        s, e = int(start[i]), int(end[i])
        started = s < anchor and r.random() < 0.92
        actual_start = s + r.randint(-30, 60) * MINUTE_US if started else None
        actual_end = (
            actual_start + max(0, (e - s) + r.randint(-60, 90) * MINUTE_US)
            if actual_start is not None and e < anchor
            else None
        )
        cancelled = actual_start is None and r.random() < 0.06
        status = 4 if cancelled else 3 if actual_end is not None else 2 if actual_start is not None else 1
        created = s - r.randint(1, 60 * 1440) * MINUTE_US
        updated = created + r.randint(0, 3 * 1440) * MINUTE_US
        verified = actual_end + r.randint(60, 3 * 1440) * MINUTE_US if actual_end and r.random() < 0.6 else None
        archived = verified + r.randint(1, 30) * DAY_US if verified and r.random() < 0.3 else None
        updated = max(updated, verified or 0, archived or 0)
        auto = r.random() < 0.3
        return {
            "id": i + 1,
            "status": status,
            "type": r.randint(1, 5),
            "description": text.pick("description", r),
            "imgSignature": f"signatures/{uuid.UUID(int=r.getrandbits(128), version=4)}.png"
            if actual_end is not None else None,
            "codePin": r.randint(100000, 999999),
            "autoCreated": auto,
            "creationStatus": r.randint(1, 3),
            "scheduledStart": format_instant(s),
            "scheduledEnd": format_instant(e),
            "actualStart": None if actual_start is None else format_instant(actual_start),
            "actualEnd": None if actual_end is None else format_instant(actual_end),
            "providerName": text.pick("company", r),
            "providerEmail": text.pick("email", r),
            "providerActionComment": text.pick("comment", r) if actual_start is not None and r.random() < 0.5 else None,
            "providerGeneralComment": text.pick("comment", r) if r.random() < 0.3 else None,
            "assignedCompanyContactId": r.randint(1, 500) if r.random() < 0.7 else None,
            "assignedUserId": r.randint(1, 200) if r.random() < 0.8 else None,
            "verifiedByUserId": r.randint(1, 200) if verified is not None else None,
            "verifiedAt": None if verified is None else format_instant(verified),
            "decisionComment": text.pick("comment", r) if cancelled or r.random() < 0.1 else None,
            "attendeeCount": r.randint(1, 60),
            "routineId": r.randint(1, 80) if r.random() < 0.4 else None,
            "organizationId": r.randint(1, 12),
            "createdByUserId": None if auto else r.randint(1, 200),
            "archivedAt": None if archived is None else format_instant(archived),
            "updatedAt": format_instant(updated),
            "createdAt": format_instant(created),
            "eventType": r.choice((101, 123, 130, 205, 310)),
        }

    return columns, render


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
    page_echo_is_requested=False,
    int_ids=True,
    generate=generate,
    strict_pairs=(("scheduledStart", "scheduledEnd"),),
    loose_pairs=(("createdAt", "updatedAt"), ("actualStart", "actualEnd")),
    null_together=(("verifiedAt", "verifiedByUserId"),),
    null_unless=(("actualEnd", "actualStart"),),
    null_when_true=(("createdByUserId", "autoCreated"),),
    utc_millis=("scheduledStart", "scheduledEnd", "actualStart", "actualEnd", "verifiedAt", "archivedAt",
                "updatedAt", "createdAt"),
    inert_params={"includeSites": ("true", "false"), "subPageSize": ("1", "-3", "500")},
)
