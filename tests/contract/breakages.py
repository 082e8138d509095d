"""One broken rule per entry, each broken only at an edge: the last page, an instant equal to a bound,
the page after another, a token missing on a later page, a bound with a non-UTC offset."""

from __future__ import annotations

import base64
import contextlib
import re
from dataclasses import dataclass
from typing import Any

import orjson

from mockserver.core.instants import parse_instant
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
        claims = orjson.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


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


# ---- more edges: one broken rule each, named api/rule ----


def _problem(status: int, detail: str, media: str = "application/problem+json") -> tuple[int, str, bytes]:
    title = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error"}[status]
    return status, media, orjson.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})


def _first(q: dict[str, list[str]], name: str) -> str | None:
    values = q.get(name)
    return values[0] if values else None


def _answer(rule: Any) -> Breakage:
    return Breakage(answer=rule)


def _inverted_listed(p: Params) -> Params:  # from >= to: the bounds put right way round instead of matching nothing
    lo, hi = parse_instant(p.get("from", "")), parse_instant(p.get("to", ""))
    if lo is not None and hi is not None and hi <= lo:
        return {**p, "from": p["to"], "to": shift(p["from"], 1000)}
    return p


def _inverted_spanning(p: Params) -> Params:  # the overlap formula alone: a record spanning both bounds is listed
    lo, hi = parse_instant(p.get("scheduledStart", "")), parse_instant(p.get("scheduledEnd", ""))
    if lo is not None and hi is not None and hi < lo and "0001" <= p["scheduledStart"][:4] <= "9998":
        return {**p, "scheduledStart": p["scheduledEnd"], "scheduledEnd": p["scheduledStart"]}
    return p


async def _ties_by_descending_id(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    key = items_key(b)
    field = p.get("orderBy", "start") if key == "events" else "scheduledStart"
    items = b[key]
    for n in range(1, len(items)):
        if items[n - 1].get(field) == items[n].get(field):
            items[n - 1], items[n] = items[n], items[n - 1]
            break
    return b


def _window_on_start(p: Params) -> Params:  # orderBy orders, but the window always applies to start
    if p.get("orderBy", "start") != "start" and "from" in p:
        return {**p, "orderBy": "start"}
    return p


async def _cap_ignored_body(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    key, cap, name = ("events", 100, "limit") if "events" in b else ("data", 200, "pageSize")
    size = number(p, name, 5 if key == "events" else 50)
    if size > cap and number(p, "page", 1) == 1 and len(b[key]) == cap:
        more = await fetch({**p, "page": "2"})
        b[key] = b[key] + more.get(key, [])[: size - cap]
    return b


def _cap_at_half(p: Params) -> Params:  # the cap applied at half the documented value
    name, cap = ("limit", 100) if "from" in p else ("pageSize", 200)
    if number(p, name, 5 if name == "limit" else 50) > cap // 2:
        return {**p, name: str(cap // 2)}
    return p


def _cap_rejected(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
    for name, cap in (("limit", 100), ("pageSize", 200)):
        value = _first(q, name)
        if value is not None and value.lstrip("-").isdigit() and int(value) > cap:
            return _problem(400, f"{name}={value} is above the maximum {cap}")
    return None


def _zero_based_pages(p: Params) -> Params:  # page N serves the mock's page N+1
    if number(p, "page", 1) >= 1 and "findId" not in p:
        return {**p, "page": str(number(p, "page", 1) + 1)}
    return p


async def _echo_requested_page(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    if "pagination" in b:
        b["pagination"]["page"] = number(p, "page", 1)
    return b


def _below_one_is_first(p: Params) -> Params:  # page < 1 serves the first page
    return {**p, "page": "1"} if number(p, "page", 1) < 1 and "findId" not in p else p


def _size_below_one_is_default(p: Params) -> Params:  # limit < 1 serves the default size
    name = "limit" if "from" in p else "pageSize"
    return {k: v for k, v in p.items() if k != name} if number(p, name, 5) < 1 else p


def _category_trimmed(p: Params) -> Params:  # category compared after trimming spaces
    return {**p, "category": p["category"].strip()} if p.get("category", "").strip() else p


async def _category_by_prefix(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    """``category`` matched as a prefix: a proper prefix of a category (which the mock matches to nothing) lists the
    records whose category starts with it."""
    wanted = p.get("category", "")
    if not wanted or b["events"]:
        return b
    wider = await fetch({k: v for k, v in p.items() if k != "category"})
    return {**b, "events": [e for e in wider.get("events", []) if str(e.get("category", "")).startswith(wanted)]}


def _empty_category_everything(p: Params) -> Params:
    return {k: v for k, v in p.items() if k != "category"} if p.get("category") == "" else p


async def _page_echo_one(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    if "page" in b and number(p, "page", 1) != 1:
        b["page"] = 1
    return b


def _millisecond_bounds(p: Params) -> Params:  # bounds cut to milliseconds: the digits below are lost
    def cut(v: str) -> str:
        m = re.fullmatch(r"(.*T[0-9:]{8}\.[0-9]{3})[0-9]+(.*)", v)
        return m.group(1) + m.group(2) if m else v

    return {k: cut(v) if k in ("from", "to", "scheduledStart", "scheduledEnd") else v for k, v in p.items()}


def _claims_of(h: dict[str, str]) -> dict[str, Any] | None:
    value = h.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return _claims(token) if scheme.lower() == "bearer" and token.count(".") == 2 else None


def _expired_accepted(p: Params, h: dict[str, str]) -> tuple[Params, dict[str, str]]:
    claims = _claims_of(h)
    if claims is not None and isinstance(claims.get("exp"), int):
        h = {**h, "authorization": f"Bearer {GOOD_TOKEN}"}
    return p, h


def _non_jwt_accepted(p: Params, h: dict[str, str]) -> tuple[Params, dict[str, str]]:
    scheme, _, token = h.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token and not _claims(token):
        h = {**h, "authorization": f"Bearer {GOOD_TOKEN}"}
    return p, h


def _basic_accepted(p: Params, h: dict[str, str]) -> tuple[Params, dict[str, str]]:
    if h.get("authorization", "").lower().startswith("basic "):
        h = {**h, "authorization": f"Bearer {GOOD_TOKEN}"}
    return p, h


def _no_challenge(status: int, headers: list[tuple[bytes, bytes]]) -> tuple[int, list[tuple[bytes, bytes]]]:
    return status, [(k, v) for k, v in headers if k.lower() != b"www-authenticate"]


def _scheme_case_sensitive(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
    if h.get("authorization", "").startswith(("bearer ", "BEARER ")):
        return _problem(401, "No authorization token provided")
    return None


def _scp_ignored(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
    claims = _claims_of(h)
    if claims is not None and "scope" not in claims and "scp" in claims:
        return _problem(403, "the token has no scope claim")
    return None


def _no_claim_forbidden(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
    claims = _claims_of(h)
    if claims is not None and "scope" not in claims and "scp" not in claims:
        return _problem(403, "the token has no scope")
    return None


def _scope_ignored(p: Params, h: dict[str, str]) -> tuple[Params, dict[str, str]]:
    claims = _claims_of(h)
    if claims is not None and "exp" not in claims:
        h = {**h, "authorization": f"Bearer {GOOD_TOKEN}"}
    return p, h


def _on_bad_page(problem: dict[str, Any], *, with_credentials: bool) -> Breakage:
    """A 400 with ``problem`` (its detail naming the value) to a non-integer ``page``, before the mock sees the
    request: whatever the credentials, or only when there are some (then the 401 still comes first)."""

    def answer(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
        page = _first(q, "page")
        if page is None or re.fullmatch(r"-?[0-9]+", page) or (with_credentials and "authorization" not in h):
            return None
        detail = {"detail": problem["detail"].format(page=page)} if "detail" in problem else {}
        return 400, "application/problem+json", orjson.dumps({**problem, **detail})

    return Breakage(answer=answer)


_BAD_REQUEST = {"type": "about:blank", "title": "Bad Request", "status": 400}


def _headers_before_auth(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
    if "x-session-token" not in h and "scheduledStart" in q:
        return _problem(400, "Missing header parameter 'x-session-token'")
    return None


def _lenient_integers(p: Params) -> Params:  # Python's int(): '+1', ' 1', '1_0' and other digits pass
    out = dict(p)
    for name in ("page", "limit", "pageSize", "findId", "subPageSize"):
        if name in p:
            with contextlib.suppress(ValueError):
                out[name] = str(int(p[name]))
    return out


def _lenient_booleans(p: Params) -> Params:
    return {k: (v.lower() if k in ("includeCount", "includeSites") else v) for k, v in p.items()}


def _empty_is_default(p: Params) -> Params:  # an empty typed value is taken as absent
    return {k: v for k, v in p.items() if v != "" or k == "category"}


def _unknown_rejected(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
    known = {
        "from",
        "to",
        "limit",
        "page",
        "category",
        "orderBy",
        "includeCount",
        "pageSize",
        "findId",
        "subPageSize",
        "scheduledStart",
        "scheduledEnd",
        "includeSites",
    }
    extra = sorted(set(q) - known)
    return _problem(400, f"unknown parameter(s) {', '.join(extra)}") if extra else None


def _bad_bound_empty(p: Params) -> Params:  # a bound that is not a date-time reads as an empty window
    for lo, hi in (("from", "to"), ("scheduledStart", "scheduledEnd")):
        if lo in p and hi in p and (parse_instant(p[hi]) is None or len(p[hi]) < 20):
            return {
                **p,
                hi: p[lo] if parse_instant(p[lo]) else "2000-01-01T00:00:00Z",
                lo: p[lo] if parse_instant(p[lo]) else "2001-01-01T00:00:00Z",
            }
    return p


def _seconds_optional(p: Params) -> Params:  # '2024-01-01T12:34Z' read as 12:34:00
    def fill(v: str) -> str:
        m = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})", v)
        return f"{m.group(1)}:00{m.group(2)}" if m else v

    return {k: fill(v) for k, v in p.items()}


def _bound_rejected(test: Any) -> Breakage:
    def answer(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
        for name in ("from", "to", "scheduledStart", "scheduledEnd"):
            value = _first(q, name)
            if value is not None and test(value):
                return _problem(400, f"{name}={value!r} is not a date-time")
        return None

    return Breakage(answer=answer)


def _extreme_crash(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
    for name in ("from", "to", "scheduledStart", "scheduledEnd"):
        value = _first(q, name) or ""
        if (value.startswith("9999-12-31") and value.endswith("-01:00")) or value.startswith("0000-01-01T00:00:00+"):
            return _problem(500, "OverflowError: date value out of range")
    return None


def _plain_json_errors(status: int, headers: list[tuple[bytes, bytes]]) -> tuple[int, list[tuple[bytes, bytes]]]:
    if status == 400:
        headers = [(k, b"application/json" if k.lower() == b"content-type" else v) for k, v in headers]
    return status, headers


async def _start_equals_end(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    items = b[items_key(b)]
    start, end = ("start", "end") if "events" in b else ("scheduledStart", "scheduledEnd")
    if items:
        items[-1] = {**items[-1], end: items[-1][start]}
    return b


async def _contained_body(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    lo, hi = parse_instant(p.get("scheduledStart", "")), parse_instant(p.get("scheduledEnd", ""))
    if lo is None or hi is None:
        return b
    b["data"] = [r for r in b["data"] if lo <= parse_instant(r["scheduledStart"])]  # type: ignore[operator]
    return b


async def _count_always(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    if "totalCount" not in b and "pagination" in b:
        counted = await fetch({**p, "includeCount": "true"})
        b["totalCount"] = counted.get("totalCount", 0)
    return b


async def _size_echo_requested(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    if "pagination" in b and "pageSize" in p:
        b["pagination"]["pageSize"] = number(p, "pageSize", 50)
    return b


def _find_id_ignored(p: Params) -> Params:
    return {k: v for k, v in p.items() if k != "findId"}


def _find_id_zero_size(p: Params) -> Params:  # findId with pageSize < 1 serves the page that holds it anyway
    if "findId" in p and number(p, "pageSize", 50) < 1:
        return {**p, "pageSize": "50"}
    return p


def _session_optional(p: Params, h: dict[str, str]) -> tuple[Params, dict[str, str]]:
    if not h.get("x-session-token", "").strip():
        h = {**h, "x-session-token": "s"}
    return p, h


def _charset_accepted(p: Params, h: dict[str, str]) -> tuple[Params, dict[str, str]]:
    if "content-type" in h:
        h = {**h, "content-type": h["content-type"].split(";")[0].strip()}
    return p, h


def _content_type_case_sensitive(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
    value = h.get("content-type")
    if value is not None and value != value.lower():
        return _problem(400, f"content-type={value!r} is not application/json")
    return None


def _session_token_as_jwt(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, str, bytes] | None:
    claims = _claims(h.get("x-session-token", "")) if h.get("x-session-token", "").count(".") == 2 else {}
    if isinstance(claims.get("exp"), int) and claims["exp"] < 2_000_000_000:
        return _problem(401, "the session token expired")
    return None


async def _include_sites_effect(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    if p.get("includeSites") == "true" and "data" in b:
        b["data"] = [{**r, "description": r["description"] + " (sites)"} for r in b["data"]]
    return b


async def _sub_page_size_effect(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    if "subPageSize" in p and number(p, "subPageSize", 10) >= 1 and "data" in b:
        b["data"] = b["data"][: number(p, "subPageSize", 10)]
    return b


async def _offset_timestamps(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    for r in b.get("data", []):
        r["createdAt"] = r["createdAt"].replace("Z", "+00:00")
    return b


async def _verified_mismatch(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    for r in b.get("data", []):
        if r.get("verifiedAt") is not None:
            r["verifiedByUserId"] = None
            break
    return b


def _offsets_accepted(p: Params) -> Params:  # interventions bounds with an offset read as UTC (pattern wants Z)
    return {**p, **{k: to_utc_naively(p[k]) for k in ("scheduledStart", "scheduledEnd") if k in p}}


def _leap_second(v: str) -> bool:
    return v[16:19] == ":60"


async def _actual_end_without_start(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    for r in b.get("data", []):
        if r.get("actualEnd") is not None:
            r["actualStart"] = None
            break
    return b


async def _auto_created_with_creator(p: Params, b: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    for r in b.get("data", []):
        if r.get("autoCreated") is True:
            r["createdByUserId"] = 7
            break
    return b


@dataclass(frozen=True)
class Broken:
    """A server that breaks one rule, and the check that must catch it."""

    api: str
    check: str
    how: Breakage


def _both(name: str, check: str, how: Breakage) -> dict[str, Broken]:
    return {f"{api}/{name}": Broken(api, check, how) for api in ("events", "interventions")}


CATALOGUE: dict[str, Broken] = {
    **{
        f"events/{name.replace('|', '-')}": Broken("events", name.split("|")[0], how)
        for name, how in EVENTS.items()
        if not name.startswith(("no_token", "unscoped"))
    },
    **{
        f"interventions/{name}": Broken("interventions", name, how)
        for name, how in INTERVENTIONS.items()
        if not name.startswith("no_token")
    },
    "events/no-token-accepted-later": Broken("events", "credentials_refused", Breakage(params=_no_token_later)),
    "events/no-scope-accepted-later": Broken("events", "scope_enforced", Breakage(params=_no_scope_later)),
    "interventions/no-token-accepted-later": Broken(
        "interventions", "credentials_refused", Breakage(params=_no_token_later)
    ),
    "events/inverted-window-listed": Broken("events", "matching_items_listed", _query(_inverted_listed)),
    "interventions/inverted-window-spanned": Broken("interventions", "items_within_window", _query(_inverted_spanning)),
    **_both("ties-by-descending-id", "items_in_order", _body(_ties_by_descending_id, last_page_only=False)),
    "events/window-always-on-start": Broken("events", "items_within_window", _query(_window_on_start)),
    **_both("cap-ignored", "page_size_respected", _body(_cap_ignored_body, last_page_only=False)),
    **_both("cap-at-half", "page_size_respected", _query(_cap_at_half)),
    **_both("cap-rejected", "bounds_validated", _answer(_cap_rejected)),
    **_both("zero-based-pages", "matching_items_listed", _query(_zero_based_pages)),
    **_both("page-below-one-is-first", "page_size_respected", _query(_below_one_is_first)),
    **_both("size-below-one-is-default", "page_size_respected", _query(_size_below_one_is_default)),
    "events/category-trimmed": Broken("events", "category_honoured", _query(_category_trimmed)),
    "events/category-by-prefix": Broken("events", "category_honoured", Breakage(body=_category_by_prefix)),
    "events/empty-category-matches-all": Broken("events", "matching_items_listed", _query(_empty_category_everything)),
    "events/page-echo-one": Broken("events", "page_echoed", _body(_page_echo_one, last_page_only=False)),
    **_both("millisecond-bounds", "matching_items_listed", _query(_millisecond_bounds)),
    **_both("expired-token-accepted", "credentials_refused", Breakage(params=_expired_accepted)),
    **_both("non-jwt-accepted", "credentials_refused", Breakage(params=_non_jwt_accepted)),
    **_both("basic-accepted", "credentials_refused", Breakage(params=_basic_accepted)),
    **_both("no-www-authenticate", "credentials_refused", Breakage(status=_no_challenge)),
    **_both("scheme-case-sensitive", "credentials_accepted", _answer(_scheme_case_sensitive)),
    "events/scp-ignored": Broken("events", "credentials_accepted", _answer(_scp_ignored)),
    "events/no-scope-claim-forbidden": Broken("events", "credentials_accepted", _answer(_no_claim_forbidden)),
    "events/scope-not-enforced": Broken("events", "scope_enforced", Breakage(params=_scope_ignored)),
    **_both(
        "parameters-before-credentials",
        "checks_in_order",
        _on_bad_page({**_BAD_REQUEST, "detail": "page={page!r} is not an integer"}, with_credentials=False),
    ),
    "interventions/headers-before-credentials": Broken(
        "interventions", "checks_in_order", _answer(_headers_before_auth)
    ),
    **_both("lenient-integers", "query_strings_strict", _query(_lenient_integers)),
    "interventions/lenient-booleans": Broken("interventions", "query_strings_strict", _query(_lenient_booleans)),
    **_both("empty-value-is-default", "query_strings_strict", _query(_empty_is_default)),
    **_both("unknown-parameter-rejected", "no_effect_parameters", _answer(_unknown_rejected)),
    **_both("bad-bound-empty-page", "bounds_validated", _query(_bad_bound_empty)),
    **_both("seconds-optional", "bounds_validated", _query(_seconds_optional)),
    "events/leap-second-rejected": Broken("events", "bounds_validated", _bound_rejected(_leap_second)),
    **_both("year-0000-rejected", "bounds_validated", _bound_rejected(lambda v: v.startswith("0000"))),
    **_both(
        "long-fraction-rejected",
        "bounds_validated",
        _bound_rejected(lambda v: re.search(r"\.[0-9]{7,}", v) is not None),
    ),
    **_both("extreme-bound-crashes", "not_a_server_error", _answer(_extreme_crash)),
    **_both(
        "vague-detail",
        "problem_details",
        _on_bad_page({**_BAD_REQUEST, "detail": "Bad Request"}, with_credentials=True),
    ),
    **_both(
        "problem-without-title",
        "problem_details",
        _on_bad_page({"status": 400, "detail": "page={page!r} is bad"}, with_credentials=True),
    ),
    **_both(
        "problem-status-mismatch",
        "problem_details",
        _on_bad_page({**_BAD_REQUEST, "status": 422, "detail": "page={page!r} is bad"}, with_credentials=True),
    ),
    **_both("errors-as-plain-json", "problem_details", Breakage(status=_plain_json_errors)),
    **_both("start-equals-end", "records_coherent", _body(_start_equals_end, last_page_only=False)),
    "interventions/contained-not-overlapping": Broken(
        "interventions", "matching_items_listed", _body(_contained_body, last_page_only=False)
    ),
    "interventions/count-always": Broken(
        "interventions", "total_count_when_asked", _body(_count_always, last_page_only=False)
    ),
    "interventions/size-echo-requested": Broken(
        "interventions", "page_echoed", _body(_size_echo_requested, last_page_only=False)
    ),
    "interventions/find-id-ignored": Broken("interventions", "find_id_on_its_page", _query(_find_id_ignored)),
    "interventions/find-id-page-echo-requested": Broken(
        "interventions", "page_echoed", _body(_echo_requested_page, last_page_only=False)
    ),
    "interventions/find-id-without-size": Broken("interventions", "matching_items_listed", _query(_find_id_zero_size)),
    "interventions/session-token-optional": Broken(
        "interventions", "required_headers_enforced", Breakage(params=_session_optional)
    ),
    "interventions/content-type-parameters-accepted": Broken(
        "interventions", "required_headers_enforced", Breakage(params=_charset_accepted)
    ),
    "interventions/content-type-case-sensitive": Broken(
        "interventions", "required_headers_enforced", _answer(_content_type_case_sensitive)
    ),
    "interventions/session-token-read-as-jwt": Broken(
        "interventions", "credentials_accepted", _answer(_session_token_as_jwt)
    ),
    "interventions/include-sites-changes-answer": Broken(
        "interventions", "no_effect_parameters", _body(_include_sites_effect, last_page_only=False)
    ),
    "interventions/sub-page-size-changes-answer": Broken(
        "interventions", "no_effect_parameters", _body(_sub_page_size_effect, last_page_only=False)
    ),
    "interventions/timestamps-with-offset": Broken(
        "interventions", "timestamps_utc_millis", _body(_offset_timestamps, last_page_only=False)
    ),
    "interventions/verified-without-verifier": Broken(
        "interventions", "records_coherent", _body(_verified_mismatch, last_page_only=False)
    ),
    "interventions/offset-bounds-accepted": Broken("interventions", "bounds_validated", _query(_offsets_accepted)),
    "interventions/actual-end-without-start": Broken(
        "interventions", "records_coherent", _body(_actual_end_without_start, last_page_only=False)
    ),
    "interventions/auto-created-with-creator": Broken(
        "interventions", "records_coherent", _body(_auto_created_with_creator, last_page_only=False)
    ),
}
