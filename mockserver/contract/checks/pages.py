"""The page checks: what a 200 answer to a valid request must hold, by the window, order, paging and count rules."""

from __future__ import annotations

from typing import Any

from mockserver.contract.checks.base import (
    bounds,
    brief,
    expected_answer,
    fail,
    next_page,
    page_of,
    rechecked,
    send,
    served_number,
)
from mockserver.contract.schemathesis.state import RunState
from mockserver.contract.target.exchange import Answer, Request
from mockserver.contract.target.page import PageView, matches
from mockserver.contract.target.wire import as_bool, record_instant

__all__ = [
    "category_honoured",
    "count_consistent",
    "find_id_on_its_page",
    "items_in_order",
    "items_within_window",
    "matching_items_listed",
    "next_page_disjoint",
    "page_echoed",
    "page_size_respected",
    "total_count_when_asked",
]


def items_within_window(state: RunState, response: Answer, case: Request) -> bool | None:
    """Every listed record lies in the requested window (compared as instants); an inverted window lists none."""
    found = page_of(state, case, response)
    if found is None or not (found[1].items or found[1].window.inverted):
        return None
    state, view = found
    state.fire("items_within_window", case)
    w = view.window
    for item in view.items:
        times = {n: t for n in state.profile.time_fields if (t := record_instant(item, n)) is not None}
        if not w.spans(times):
            fields = w.period if w.period else (w.field,)
            raise fail(
                case,
                "items_within_window",
                f"record {brief(item, *fields)} for {bounds(state.profile, view)}",
                f"only records with {w.describe()}, compared as instants",
            )
    return None


def items_in_order(state: RunState, response: Answer, case: Request) -> bool | None:
    """Records come in ascending order of the ordered field, then of id."""
    found = page_of(state, case, response)
    if found is None or len(found[1].items) < 2:
        return None
    state, view = found
    state.fire("items_in_order", case)
    field = view.window.field
    for before, after in zip(view.items, view.items[1:], strict=False):
        a, b = view.key(before), view.key(after)
        if a is None or b is None:
            continue
        tied_out_of_order = a == b and _id_key(after.get("id")) < _id_key(before.get("id"))
        if b < a or tied_out_of_order:
            raise fail(
                case,
                "items_in_order",
                f"{brief(after, field)} after {brief(before, field)}",
                f"records in ascending order of {field}, then of id",
            )
    return None


def _id_key(value: Any) -> tuple[int, Any]:
    """Ids compare as numbers when they are numbers, else as strings."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    return (1, str(value))


def page_size_respected(state: RunState, response: Answer, case: Request) -> bool | None:
    """No more records than the size served (the one asked for, capped); a full page unless it is the last."""
    found = page_of(state, case, response)
    if found is None:
        return None
    state, view = found
    cap = state.profile.size_cap
    allowed = 0 if view.size < 1 or (view.page < 1 and view.find_id is None) else min(view.size, cap)
    count = state.profile.count(view.body)
    if not view.items and allowed > 0 and count is None:
        return None
    state.fire("page_size_respected", case)
    asked = f"{state.profile.size_param}={view.size}, page={view.page}"
    if len(view.items) > allowed:
        capped = f" (a size above {cap} is served as {cap})" if view.size > cap else ""
        raise fail(
            case, "page_size_respected", f"{len(view.items)} records for {asked}", f"at most {allowed} records{capped}"
        )
    served = served_number(view)
    if count is not None and allowed > 0 and served >= 1 and view.find_id is None:
        due = max(0, min(allowed, count - (served - 1) * allowed))
        if len(view.items) != due:
            raise fail(
                case,
                "page_size_respected",
                f"{len(view.items)} records for {asked} with count {count}",
                f"{due} records: pages of min({state.profile.size_param}, {cap}) = {allowed}, each full but the last",
            )
    return None


@rechecked
def page_echoed(state: RunState, response: Answer, case: Request) -> bool | None:
    """The page number (and the page size, where the page says it) said back as the spec states."""
    found = page_of(state, case, response)
    if found is None:
        return None
    state, view = found
    profile = state.profile
    state.fire("page_echoed", case)
    served = profile.served_page(view.body)
    if profile.page_echo_is_requested or view.find_id is None:
        if served != view.page:
            raise fail(
                case, "page_echoed", f"page {served!r} for page={view.page}", f"page {view.page}, the page requested"
            )
    else:
        expected = expected_answer(state, case, view)
        if expected is not None and served != expected.page:
            why = "the page that holds it" if expected.find_hit else "the page requested, since it does not match"
            raise fail(
                case,
                "page_echoed",
                f"page {served!r} for page={view.page}, findId={view.find_id}",
                f"page {expected.page}, {why}",
            )
    if profile.size_key is not None:
        size = profile.served_size(view.body)
        due = min(view.size, profile.size_cap)
        if size != due:
            raise fail(
                case,
                "page_echoed",
                f"{'/'.join(profile.size_key)} {size!r} for {profile.size_param}={view.size}",
                f"{due}: the size given, except that the cap {profile.size_cap} replaces a larger one",
            )
    return None


def category_honoured(state: RunState, response: Answer, case: Request) -> bool | None:
    """With ``category``, every record has exactly that category; ``category=`` lists none."""
    found = page_of(state, case, response)
    if found is None or found[1].window.category is None or not found[1].items:
        return None
    state, view = found
    state.fire("category_honoured", case)
    wanted, field, name = view.window.category, state.profile.category_field, state.profile.category_param
    nothing = view.window.matches_nothing_by_category
    assert field is not None and name is not None  # a window has a category only where the API filters by one
    for item in view.items:
        if nothing or item.get(field) != wanted:
            raise fail(
                case,
                "category_honoured",
                f"{brief(item, field)} for {name}={wanted!r}",
                f"no record for {name}= (empty)" if nothing else f"only records whose {field} is exactly {wanted!r}",
            )
    return None


@rechecked
def count_consistent(state: RunState, response: Answer, case: Request) -> bool | None:
    """``count``/``totalCount`` is the number of matches over all pages."""
    found = page_of(state, case, response)
    if found is None:
        return None
    state, view = found
    count = state.profile.count(view.body)
    if count is None:
        return None
    expected = expected_answer(state, case, view)
    key = state.profile.count_key
    if expected is not None:
        state.fire("count_consistent", case)
        if count != expected.total:
            raise fail(
                case,
                "count_consistent",
                f"{key} {count} for {bounds(state.profile, view)}",
                f"{key} {expected.total}, the number of matches over all pages",
            )
        return None
    served = served_number(view)
    if not view.items or served < 1:
        return None
    state.fire("count_consistent", case)
    known = sum(matches(view, r) for r in state.landscape.records)
    floor = max(served * len(view.items), known)
    if count < floor:
        why = (
            f"{len(view.items)} records on page {served}"
            if floor == served * len(view.items)
            else f"{known} records the target listed before match this window"
        )
        raise fail(case, "count_consistent", f"{key} {count} with {why}", f"a count of at least {floor}")
    following = next_page(state, case, view)
    if following == [] and view.size >= 1:
        first = len(view.items) if served == 1 else _first_page_size(state, case, view)
        if first is not None:
            exact = (served - 1) * first + len(view.items)
            if count != exact:
                raise fail(
                    case,
                    "count_consistent",
                    f"{key} {count} on the last page {served} ({len(view.items)} records, pages of {first})",
                    f"{key} {exact}, the number of records over all pages",
                )
    return None


def _first_page_size(state: RunState, case: Request, view: PageView) -> int | None:
    query = {k: v for k, v in view.query.items() if k != state.profile.find_param}
    query[state.profile.page_param] = 1
    try:
        response = send(case, query, state.headers)
        items = state.profile.items(response.json()) if response.status_code == 200 else None
    except Exception:
        return None
    return len(items) if items else None


def total_count_when_asked(state: RunState, response: Answer, case: Request) -> bool | None:
    """``includeCount=true`` adds the count; otherwise it is absent."""
    found = page_of(state, case, response)
    param = found[0].profile.count_param if found else None
    if found is None or param is None:
        return None
    state, view = found
    state.fire("total_count_when_asked", case)
    asked = as_bool(view.query.get(param)) is True
    key = state.profile.count_key
    present = key in view.body
    if asked and state.profile.count(view.body) is None:
        raise fail(
            case,
            "total_count_when_asked",
            f"no integer {key} (keys: {sorted(view.body)})",
            f"{key}, the number of matches over all pages, since {param}=true",
        )
    if not asked and present:
        raise fail(
            case,
            "total_count_when_asked",
            f"{key} {view.body[key]!r} for {param}={view.query.get(param, '(absent)')}",
            f"no {key}: it is present only when {param}=true",
        )
    return None


@rechecked
def find_id_on_its_page(state: RunState, response: Answer, case: Request) -> bool | None:
    """When the ``findId`` record matches the window, the page served holds it."""
    found = page_of(state, case, response)
    if found is None or found[1].find_id is None or found[1].size < 1:
        return None
    state, view = found
    record = state.landscape.by_id(view.find_id)
    if record is None or not matches(view, record):
        return None
    state.fire("find_id_on_its_page", case)
    if not view.find_hit():
        raise fail(
            case,
            "find_id_on_its_page",
            f"page {view.served_page!r} with ids {view.ids} for findId={view.find_id}",
            f"the page that holds record {view.find_id}, which matches the window",
        )
    return None


@rechecked
def next_page_disjoint(state: RunState, response: Answer, case: Request) -> bool | None:
    """Consecutive pages share no record."""
    found = page_of(state, case, response)
    if found is None:
        return None
    state, view = found
    following = next_page(state, case, view)
    if not following:
        return None
    state.fire("next_page_disjoint", case)
    again = [i for i in view.ids if i in {item.get("id") for item in following}]
    if again:
        served = served_number(view)
        raise fail(
            case,
            "next_page_disjoint",
            f"ids {again} on page {served} and again on page {served + 1}",
            "every record on exactly one page",
        )
    return None


@rechecked
def matching_items_listed(state: RunState, response: Answer, case: Request) -> bool | None:
    """The page lists exactly the records the rules put on it: the matches, in order, sliced into pages."""
    found = page_of(state, case, response)
    if found is None:
        return None
    state, view = found
    expected = expected_answer(state, case, view)
    if expected is not None:
        state.fire("matching_items_listed", case)
        want = [r.id for r in expected.records]
        if [repr(i) for i in view.ids] != [repr(i) for i in want]:
            size = f"min({state.profile.size_param}={view.size}, cap {state.profile.size_cap})"
            shown = want if len(want) <= 8 else [*want[:8], "…"]
            raise fail(
                case,
                "matching_items_listed",
                f"ids {view.ids if len(view.ids) <= 8 else [*view.ids[:8], '…']} for "
                f"{bounds(state.profile, view)}, page={view.page}, {state.profile.size_param}={view.size}",
                f"ids {shown}: of the {expected.total} matches ({view.window.describe()}), in order of "
                f"{view.window.field} then id, page {expected.page} of pages of {size} (1-based; "
                "empty when page or size < 1)",
            )
        return None
    return _known_listed(state, case, view)


def _known_listed(state: RunState, case: Request, view: PageView) -> bool | None:
    """Where the survey knows only part of the data: known matches are not missing from where the order puts them."""
    if view.size < 1 or (view.page < 1 and view.find_id is None):
        return None
    served = served_number(view)
    field = view.window.field
    known = [r for r in state.landscape.records if matches(view, r) and field in r.times]
    if not known:
        return None
    listed = set(map(repr, view.ids))
    if not view.items:
        if served == 1 and view.find_id is None:
            state.fire("matching_items_listed", case)
            raise fail(
                case,
                "matching_items_listed",
                "an empty first page",
                f"records such as {known[0].id!r}, which the target listed before and which match",
            )
        return None
    keys = [k for item in view.items if (k := view.key(item)) is not None]
    if not keys:
        return None
    first, last = min(keys), max(keys)
    is_last = next_page(state, case, view) == []
    must = [r for r in known if (served == 1 or first < r.times[field]) and (is_last or r.times[field] < last)]
    if not must:
        return None
    state.fire("matching_items_listed", case)
    missing = [r.id for r in must if repr(r.id) not in listed]
    if missing:
        raise fail(
            case,
            "matching_items_listed",
            f"page {served} without {missing[:5]!r}, which match and sort within it by {field}",
            "every matching record, in order, on its page",
        )
    return None
