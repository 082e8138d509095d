"""One broken rule per entry, each broken only at an edge: the last page, an instant equal to a bound,
the page after another, a token missing on a later page, a bound with a non-UTC offset."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from tests.contract.broken import (
    GOOD_TOKEN,
    Breakage,
    Fetch,
    Params,
    is_last_page,
    items_key,
    number,
    shift,
    to_utc_naively,
)


def _query(rewrite: Any) -> Breakage:
    def params(p: Params, h: dict[str, str]) -> tuple[Params, dict[str, str]]:
        return rewrite(p), h

    return Breakage(params=params)


def _body(rewrite: Any, *, last_page_only: bool = True) -> Breakage:
    async def body(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
        if last_page_only and not await is_last_page(p, b, fetch):
            return b
        return await rewrite(p, b, fetch)  # type: ignore[no-any-return]

    return Breakage(body=body)


def _later_pages(p: Params) -> bool:
    return number(p, "page", 1) >= 2


# ---- events ----

def _to_inclusive(p: Params) -> Params:  # an event exactly at `to` is listed
    return {**p, "to": shift(p["to"], 1)} if "to" in p else p


def _from_exclusive(p: Params) -> Params:  # an event exactly at `from` is left out
    return {**p, "from": shift(p["from"], 1)} if "from" in p else p


def _naive_offsets(p: Params) -> Params:  # bounds with a non-UTC offset read as UTC
    return {**p, **{k: to_utc_naively(p[k]) for k in ("from", "to") if k in p}}


def _extra_item_later(p: Params) -> Params:  # one record too many, on pages after the first
    if _later_pages(p) and "limit" in p and 1 <= number(p, "limit", 5) < 100:
        return {**p, "limit": str(number(p, "limit", 5) + 1)}
    return p


def _category_ignored_later(p: Params) -> Params:
    return {k: v for k, v in p.items() if k != "category"} if _later_pages(p) else p


async def _swap_last_two(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    items = b[items_key(b)]
    if len(items) >= 2:
        items[-2], items[-1] = items[-1], items[-2]
    return b


async def _duplicate_id(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    items = b[items_key(b)]
    if len(items) >= 2:
        items[-1] = {**items[-1], "id": items[0]["id"]}
    return b


async def _created_after_updated(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    items = b[items_key(b)]
    created, updated = ("created_at", "updated_at") if "events" in b else ("createdAt", "updatedAt")
    if items:
        items[-1] = {**items[-1], created: shift(items[-1][updated], 1000)}
    return b


async def _count_of_page(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    key = "count" if "events" in b else "totalCount"
    if _later_pages(p) and key in b:
        b[key] = len(b[items_key(b)])
    return b


async def _empty_page_says_one(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    if not b[items_key(b)] and _later_pages(p):
        if "events" in b:
            b["page"] = 1
        else:
            b["pagination"]["page"] = 1
    return b


async def _overlap_previous(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    """Pages after the first start with the previous page's last record (an unstable tie-break)."""
    key, page = items_key(b), number(p, "page", 1)
    if page >= 2 and b[key] and "findId" not in p:
        previous = await fetch({**p, "page": str(page - 1)})
        if previous.get(key):
            b[key] = [previous[key][-1], *b[key][:-1]]
    return b


def _claims(token: str) -> dict[str, Any]:
    try:
        part = token.split(".")[1]
        return dict(orjson.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))
    except (IndexError, ValueError):
        return {}


def _no_token_later(p: Params, h: dict[str, str]) -> tuple[Params, dict[str, str]]:
    if _later_pages(p) and "authorization" not in h:
        h = {**h, "authorization": f"Bearer {GOOD_TOKEN}"}
    return p, h


def _no_scope_later(p: Params, h: dict[str, str]) -> tuple[Params, dict[str, str]]:
    token = h.get("authorization", "").removeprefix("Bearer ")
    if _later_pages(p) and "calendar.event.read" not in str(_claims(token).get("scope", "calendar.event.read")):
        h = {**h, "authorization": f"Bearer {GOOD_TOKEN}"}
    return p, h


# ---- interventions ----

def _whole_seconds(p: Params) -> Params:  # bounds compared at whole seconds: a fraction past an end is lost
    return {**p, **{k: p[k][:19] + "Z" for k in ("scheduledStart", "scheduledEnd") if k in p}}


def _overlap_strict(p: Params) -> Params:  # an intervention ending exactly at the window's start is left out
    return {**p, "scheduledStart": shift(p["scheduledStart"], 1)} if "scheduledStart" in p else p


def _extra_item_later_interventions(p: Params) -> Params:
    if _later_pages(p) and "pageSize" in p and 1 <= number(p, "pageSize", 50) < 200:
        return {**p, "pageSize": str(number(p, "pageSize", 50) + 1)}
    return p


async def _no_total_on_last_page(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    b.pop("totalCount", None)
    return b


async def _find_id_ignored_beyond_first(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    if "findId" in p and b["pagination"]["page"] >= 2:
        return await fetch({k: v for k, v in p.items() if k != "findId"})
    return b




EVENTS: dict[str, Breakage] = {
    "items_within_window": _query(_to_inclusive),
    "items_within_window|offsets": _query(_naive_offsets),
    "items_in_order": _body(_swap_last_two),
    "page_size_respected": _query(_extra_item_later),
    "page_echoed": _body(_empty_page_says_one, last_page_only=False),
    "category_honoured": _query(_category_ignored_later),
    "count_consistent": _body(_count_of_page, last_page_only=False),
    "next_page_disjoint": _body(_overlap_previous, last_page_only=False),
    "ids_unique": _body(_duplicate_id),
    "records_coherent": _body(_created_after_updated),
    "matching_items_listed": _query(_from_exclusive),
    "no_token_rejected": Breakage(params=_no_token_later),
    "unscoped_token_rejected": Breakage(params=_no_scope_later),
}

INTERVENTIONS: dict[str, Breakage] = {
    "items_within_window": _query(_whole_seconds),
    "items_in_order": _body(_swap_last_two),
    "page_size_respected": _query(_extra_item_later_interventions),
    "page_echoed": _body(_empty_page_says_one, last_page_only=False),
    "count_consistent": _body(_count_of_page, last_page_only=False),
    "total_count_when_asked": _body(_no_total_on_last_page),
    "find_id_on_its_page": _body(_find_id_ignored_beyond_first, last_page_only=False),
    "next_page_disjoint": _body(_overlap_previous, last_page_only=False),
    "ids_unique": _body(_duplicate_id),
    "records_coherent": _body(_created_after_updated),
    "matching_items_listed": _query(_overlap_strict),
    "no_token_rejected": Breakage(params=_no_token_later),
}
