"""The semantic checks: what the documents state that a schema cannot, one small function per rule.

Each check is a Schemathesis check ``(ctx, response, case)`` registered with ``schemathesis.check``. It
does nothing outside a contract run, and records that it *fired* (had something to verify) so that a run
can tell a rule that held from a rule that was never put to the test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import schemathesis
from schemathesis.core.failures import Failure, Severity
from schemathesis.core.transport import Response

from mockserver.contract.state import RunState, active
from mockserver.contract.types import Case
from mockserver.contract.view import PageView, matches, page_view
from mockserver.contract.wire import as_bool, record_instant

__all__ = ["AUTH_CHECKS", "SEMANTIC_CHECKS", "ContractViolation", "applicable_checks"]

Check = Callable[[Any, Response, Case], bool | None]
MAX_AUTH_PROBES = 3


class ContractViolation(Failure):
    """A response that breaks a rule of the contract; one finding per check and operation."""

    kind_title: ClassVar[str] = "Contract violated"

    @property
    def _unique_key(self) -> str:
        return self.title


def _fail(case: Case, name: str, received: str, expected: str) -> ContractViolation:
    return ContractViolation(
        operation=case.operation.label, title=name, message=f"Received: {received}\nExpected: {expected}",
        severity=Severity.HIGH,
    )


def _page(state: RunState | None, case: Case, response: Response) -> tuple[RunState, PageView] | None:
    if state is None:
        return None
    view = page_view(state, case, response)
    return None if view is None else (state, view)


def _send(ctx: Any, case: Case, query: dict[str, Any], headers: dict[str, str]) -> Response:
    """A follow-up request of the same operation with the run's transport settings and exactly these headers."""
    probe = case.operation.Case(query=query, headers=dict(headers))
    kwargs = {k: v for k, v in (ctx.internals.transport_kwargs or {}).items() if k not in ("session", "headers")}
    kwargs["headers"] = dict(headers)
    state = active(case)
    if state is not None and state.session is not None:
        kwargs["session"] = state.session
    if case.operation.app is not None:
        kwargs.setdefault("app", case.operation.app)
    ctx.internals.record_case(parent_id=case.id, case=probe)
    response: Response = case.operation.schema.transport.send(probe, **kwargs)
    ctx.internals.record_response(case_id=probe.id, response=response)
    return response


def _next_page(ctx: Any, state: RunState, case: Case, view: PageView) -> list[dict[str, Any]] | None:
    """The items of the page after this one (same query, no findId), fetched once per case; None if unknown."""
    served = view.served_page if view.served_page is not None else view.page
    if not view.items or served < 1 or view.size < 1:
        return None
    with state.lock:
        if case.id in state.next_pages:
            return state.next_pages[case.id]  # type: ignore[no-any-return]
    query = {k: v for k, v in view.query.items() if k != state.profile.find_param}
    query["page"] = served + 1
    try:
        response = _send(ctx, case, query, state.headers)
        body = response.json() if response.status_code == 200 else None
    except Exception:  # a follow-up that fails says nothing about this page
        body = None
    items = state.profile.items(body)
    with state.lock:
        state.next_pages[case.id] = items
        if items == [] and view.items:
            state.coverage.last_pages += 1
    return items


def _brief(item: dict[str, Any], *names: str) -> str:
    return "{" + ", ".join(f"{n}: {item.get(n)!r}" for n in ("id", *names)) + "}"


def items_within_window(ctx: Any, response: Response, case: Case) -> bool | None:
    """Every listed record lies in the requested window (compared as instants)."""
    found = _page(active(case), case, response)
    if found is None or not found[1].items:
        return None
    state, view = found
    state.fire("items_within_window")
    w = view.window
    for item in view.items:
        times = {n: t for n in state.profile.time_fields if (t := record_instant(item, n)) is not None}
        if not w.spans(times):
            fields = (w.field,) if state.profile.api == "events" else ("scheduledStart", "scheduledEnd")
            raise _fail(case, "items_within_window", f"record {_brief(item, *fields)} for "
                        f"{state.profile.lower}={view.query[state.profile.lower]!r}, "
                        f"{state.profile.upper}={view.query[state.profile.upper]!r}",
                        f"only records with {w.describe()}, compared as instants")
    return None


def items_in_order(ctx: Any, response: Response, case: Case) -> bool | None:
    """Records come in ascending order of the ordered field."""
    found = _page(active(case), case, response)
    if found is None or len(found[1].items) < 2:
        return None
    state, view = found
    state.fire("items_in_order")
    keys = [view.key(item) for item in view.items]
    for n in range(1, len(keys)):
        a, b = keys[n - 1], keys[n]
        if a is not None and b is not None and b < a:
            field = view.window.field
            raise _fail(case, "items_in_order",
                        f"{_brief(view.items[n], field)} after {_brief(view.items[n - 1], field)}",
                        f"records in ascending order of {view.window.field}")
    return None


def page_size_respected(ctx: Any, response: Response, case: Case) -> bool | None:
    """No more records than asked for (a server may serve fewer: the documented cap)."""
    found = _page(active(case), case, response)
    if found is None:
        return None
    state, view = found
    allowed = 0 if view.size < 1 or (view.page < 1 and view.find_id is None) else view.size
    if not view.items and allowed > 0:
        return None
    state.fire("page_size_respected")
    if len(view.items) > allowed:
        raise _fail(case, "page_size_respected",
                    f"{len(view.items)} records for {state.profile.size_param}={view.size}, page={view.page}",
                    f"at most {allowed} records")
    return None


def page_echoed(ctx: Any, response: Response, case: Case) -> bool | None:
    """The page number (and interventions' page size) said back as the documents state."""
    found = _page(active(case), case, response)
    if found is None:
        return None
    state, view = found
    if view.page == state.profile.page_default and not view.items:
        return None
    state.fire("page_echoed")
    served = state.profile.served_page(view.body)
    if not view.find_hit() and served != view.page:
        raise _fail(case, "page_echoed", f"page {served!r} for page={view.page}"
                    + (f", findId={view.find_id} (not on the page)" if view.find_id is not None else ""),
                    f"page {view.page}, the page requested")
    if state.profile.api == "interventions":
        size = state.profile.served_size(view.body)
        ok = size == view.size if view.size < 1 else isinstance(size, int) and len(view.items) <= size <= view.size
        if not ok:
            raise _fail(case, "page_echoed",
                        f"pageSize {size!r} for pageSize={view.size} with {len(view.items)} records",
                        "the page size used: the one asked for, or a documented cap below it")
    return None


def category_honoured(ctx: Any, response: Response, case: Case) -> bool | None:
    """With ``category``, every record has exactly that category."""
    found = _page(active(case), case, response)
    if found is None or found[1].window.category is None or not found[1].items:
        return None
    state, view = found
    state.fire("category_honoured")
    for item in view.items:
        if item.get("category") != view.window.category:
            raise _fail(case, "category_honoured", f"{_brief(item, 'category')} for category={view.window.category!r}",
                        f"only records whose category is exactly {view.window.category!r}")
    return None


def count_consistent(ctx: Any, response: Response, case: Case) -> bool | None:
    """``count``/``totalCount`` is never below what the pages show, and exact on the last page."""
    found = _page(active(case), case, response)
    if found is None:
        return None
    state, view = found
    count = state.profile.count(view.body)
    served = view.served_page if view.served_page is not None else view.page
    if count is None or not view.items or served < 1:
        return None
    state.fire("count_consistent")
    known = sum(matches(view, r) for r in state.landscape.records)
    floor = max(served * len(view.items), known)
    if count < floor:
        why = f"{len(view.items)} records on page {served}" if floor == served * len(view.items) else \
            f"{known} records the target listed before match this window"
        raise _fail(case, "count_consistent", f"count {count} with {why}", f"a count of at least {floor}")
    following = _next_page(ctx, state, case, view)
    if following == [] and view.size >= 1:
        first = len(view.items) if served == 1 else _first_page_size(ctx, state, case, view)
        if first is not None:
            exact = (served - 1) * first + len(view.items)
            if count != exact:
                raise _fail(case, "count_consistent",
                            f"count {count} on the last page {served} ({len(view.items)} records, pages of {first})",
                            f"count {exact}, the number of records over all pages")
    return None


def _first_page_size(ctx: Any, state: RunState, case: Case, view: PageView) -> int | None:
    query = {k: v for k, v in view.query.items() if k != state.profile.find_param}
    query["page"] = 1
    try:
        response = _send(ctx, case, query, state.headers)
        items = state.profile.items(response.json()) if response.status_code == 200 else None
    except Exception:
        return None
    return len(items) if items else None


def total_count_when_asked(ctx: Any, response: Response, case: Case) -> bool | None:
    """``includeCount=true`` adds ``totalCount``."""
    found = _page(active(case), case, response)
    param = found[0].profile.count_param if found else None
    if found is None or param is None or as_bool(found[1].query.get(param)) is not True:
        return None
    state, view = found
    state.fire("total_count_when_asked")
    if state.profile.count(view.body) is None:
        raise _fail(case, "total_count_when_asked", f"no integer totalCount (keys: {sorted(view.body)})",
                    "totalCount, the number of matches over all pages, since includeCount=true")
    return None


def find_id_on_its_page(ctx: Any, response: Response, case: Case) -> bool | None:
    """When the ``findId`` record matches the window, the page served holds it."""
    found = _page(active(case), case, response)
    if found is None or found[1].find_id is None or found[1].size < 1:
        return None
    state, view = found
    record = state.landscape.by_id(view.find_id)
    if record is None or not matches(view, record):
        return None
    state.fire("find_id_on_its_page")
    if not view.find_hit():
        raise _fail(case, "find_id_on_its_page",
                    f"page {view.served_page!r} with ids {view.ids} for findId={view.find_id}",
                    f"the page that holds record {view.find_id}, which matches the window")
    return None


def next_page_disjoint(ctx: Any, response: Response, case: Case) -> bool | None:
    """Consecutive pages share no record."""
    found = _page(active(case), case, response)
    if found is None:
        return None
    state, view = found
    following = _next_page(ctx, state, case, view)
    if not following:
        return None
    state.fire("next_page_disjoint")
    again = [i for i in view.ids if i in {item.get("id") for item in following}]
    if again:
        served = view.served_page if view.served_page is not None else view.page
        raise _fail(case, "next_page_disjoint", f"ids {again} on page {served} and again on page {served + 1}",
                    "every record on exactly one page")
    return None


def ids_unique(ctx: Any, response: Response, case: Case) -> bool | None:
    """No id appears twice on a page."""
    found = _page(active(case), case, response)
    if found is None or len(found[1].items) < 2:
        return None
    state, view = found
    state.fire("ids_unique")
    ids = [repr(i) for i in view.ids]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise _fail(case, "ids_unique", f"ids {', '.join(twice)} more than once on one page", "unique ids")
    return None


def records_coherent(ctx: Any, response: Response, case: Case) -> bool | None:
    """Each record's instants come in order: start <= end, created <= updated (and actual start <= end)."""
    found = _page(active(case), case, response)
    if found is None or not found[1].items:
        return None
    state, view = found
    state.fire("records_coherent")
    for item in view.items:
        for early, late in state.profile.coherent_pairs:
            a, b = record_instant(item, early), record_instant(item, late)
            if a is not None and b is not None and b < a:
                raise _fail(case, "records_coherent", f"record {_brief(item, early, late)}", f"{early} <= {late}")
    return None


def matching_items_listed(ctx: Any, response: Response, case: Case) -> bool | None:
    """Records known to match are not missing from where the order puts them."""
    found = _page(active(case), case, response)
    if found is None or view_is_unpaged(found[1]):
        return None
    state, view = found
    served = view.served_page if view.served_page is not None else view.page
    field = view.window.field
    known = [r for r in state.landscape.records if matches(view, r) and field in r.times]
    if not known:
        return None
    listed = set(map(repr, view.ids))
    if not view.items:
        if served == 1 and view.find_id is None:
            state.fire("matching_items_listed")
            raise _fail(case, "matching_items_listed", "an empty first page",
                        f"records such as {known[0].id!r}, which the target listed before and which match")
        return None
    keys = [k for item in view.items if (k := view.key(item)) is not None]
    if not keys:
        return None
    first, last = min(keys), max(keys)
    is_last = _next_page(ctx, state, case, view) == []
    must = [r for r in known if (served == 1 or first < r.times[field]) and (is_last or r.times[field] < last)]
    if not must:
        return None
    state.fire("matching_items_listed")
    missing = [r.id for r in must if repr(r.id) not in listed]
    if missing:
        raise _fail(case, "matching_items_listed",
                    f"page {served} without {missing[:5]!r}, which match and sort within it by {field}",
                    "every matching record, in order, on its page")
    return None


def view_is_unpaged(view: PageView) -> bool:
    return view.size < 1 or (view.page < 1 and view.find_id is None)


def _auth_probe(ctx: Any, response: Response, case: Case, name: str, expected: int) -> None:
    state = active(case)
    found = _page(state, case, response)
    if state is None or found is None:
        return
    view = found[1]
    slot = f"{name}:{'first' if view.page == 1 else 'later'}"
    with state.lock:
        if state.probes[slot] >= MAX_AUTH_PROBES:
            return
        state.probes[slot] += 1
    headers = {k: v for k, v in state.headers.items() if k.lower() != "authorization"}
    if expected == 403:
        if state.unscoped_token is None:
            return
        headers["Authorization"] = f"Bearer {state.unscoped_token}"
    try:
        answer = _send(ctx, case, view.query, headers)
    except Exception as exc:
        raise _fail(case, name, f"no answer ({type(exc).__name__})", f"status {expected}") from None
    state.fire(name)
    if answer.status_code != expected:
        what = "without Authorization" if expected == 401 else "with the token lacking the required scope"
        raise _fail(case, name, f"status {answer.status_code} to the same request {what}", f"status {expected}")


def no_token_rejected(ctx: Any, response: Response, case: Case) -> bool | None:
    """The same request without a token is refused with 401."""
    _auth_probe(ctx, response, case, "no_token_rejected", 401)
    return None


def unscoped_token_rejected(ctx: Any, response: Response, case: Case) -> bool | None:
    """The same request with a token lacking the scope is refused with 403."""
    _auth_probe(ctx, response, case, "unscoped_token_rejected", 403)
    return None


SEMANTIC_CHECKS: tuple[Check, ...] = (
    items_within_window, items_in_order, page_size_respected, page_echoed, category_honoured, count_consistent,
    total_count_when_asked, find_id_on_its_page, next_page_disjoint, ids_unique, records_coherent,
    matching_items_listed,
)
AUTH_CHECKS: tuple[Check, ...] = (no_token_rejected, unscoped_token_rejected)

for _check in (*SEMANTIC_CHECKS, *AUTH_CHECKS):
    schemathesis.check(_check)


def applicable_checks(api: str, *, unscoped: bool) -> tuple[str, ...]:
    """The names of the semantic checks that apply to ``api`` (and to a run with an unscoped token)."""
    skip = {"events": {"total_count_when_asked", "find_id_on_its_page"}, "interventions": {"category_honoured"}}[api]
    names = [c.__name__ for c in (*SEMANTIC_CHECKS, *AUTH_CHECKS) if c.__name__ not in skip]
    return tuple(n for n in names if unscoped or n != "unscoped_token_rejected")
