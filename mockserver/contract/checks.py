"""The semantic checks: what the documents state that a schema cannot, one small function per rule.

Each check is a Schemathesis check ``(ctx, response, case)`` registered with ``schemathesis.check``. It
does nothing outside a contract run, and records that it *fired* (had something to verify) so that a run
can tell a rule that held from a rule that was never put to the test. Page checks read 200 answers to valid
requests; expectation checks judge the edge requests the run sends on purpose (``edges.py``), each of which
says which check judges it and by which rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

import schemathesis
from schemathesis.core.failures import Failure, Severity
from schemathesis.core.transport import Response

from mockserver.contract.model import Expected, expected_matches, expected_page
from mockserver.contract.profiles import ApiProfile
from mockserver.contract.state import RunState, active
from mockserver.contract.types import Case
from mockserver.contract.view import PageView, matches, page_view
from mockserver.contract.wire import as_bool, record_instant

__all__ = [
    "CHECK_NAMES",
    "EXPECTATION_CHECKS",
    "PAGE_CHECKS",
    "RULES",
    "ContractViolation",
    "applicable_checks",
]

Check = Callable[[Any, Response, Case], bool | None]
MAX_AUTH_PROBES = 3
_UTC_MILLIS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z", re.ASCII)


class ContractViolation(Failure):
    """A response that breaks a rule of the contract; one finding per check and operation."""

    kind_title: ClassVar[str] = "Contract violated"

    @property
    def _unique_key(self) -> str:
        return self.title


def _fail(case: Case, name: str, received: str, expected: str) -> ContractViolation:
    return ContractViolation(
        operation=case.operation.label,
        title=name,
        message=f"Received: {received}\nExpected: {expected}",
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


def _served(view: PageView) -> int:
    return view.served_page if view.served_page is not None else view.page


def _next_page(ctx: Any, state: RunState, case: Case, view: PageView) -> list[dict[str, Any]] | None:
    """The items of the page after this one (same query, no findId), fetched once per case; None if unknown."""
    served = _served(view)
    if not view.items or served < 1 or view.size < 1:
        return None
    with state.lock:
        if case.id in state.next_pages:
            return state.next_pages[case.id]  # type: ignore[no-any-return]
    query = {k: v for k, v in view.query.items() if k != state.profile.find_param}
    query[state.profile.page_param] = served + 1
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


def _expected(state: RunState, case: Case, view: PageView) -> Expected | None:
    """The page the rules give to this request, when the survey knows every record that could match (once per case:
    several checks ask)."""
    with state.lock:
        if case.id in state.expected:
            return state.expected[case.id]  # type: ignore[no-any-return]
    found = expected_matches(state.profile, state.landscape, view.window)
    expected = None if found is None else expected_page(state.profile, found, view.page, view.size, view.find_id)
    with state.lock:
        state.expected[case.id] = expected
    return expected


def _brief(item: dict[str, Any], *names: str) -> str:
    return "{" + ", ".join(f"{n}: {item.get(n)!r}" for n in ("id", *names)) + "}"


def _bounds(profile: ApiProfile, view: PageView) -> str:
    return f"{profile.lower}={view.query[profile.lower]!r}, {profile.upper}={view.query[profile.upper]!r}"


def items_within_window(ctx: Any, response: Response, case: Case) -> bool | None:
    """Every listed record lies in the requested window (compared as instants); an inverted window lists none."""
    found = _page(active(case), case, response)
    if found is None or not (found[1].items or found[1].window.inverted):
        return None
    state, view = found
    state.fire("items_within_window", case)
    w = view.window
    for item in view.items:
        times = {n: t for n in state.profile.time_fields if (t := record_instant(item, n)) is not None}
        if not w.spans(times):
            fields = w.period if w.period else (w.field,)
            raise _fail(
                case,
                "items_within_window",
                f"record {_brief(item, *fields)} for {_bounds(state.profile, view)}",
                f"only records with {w.describe()}, compared as instants",
            )
    return None


def items_in_order(ctx: Any, response: Response, case: Case) -> bool | None:
    """Records come in ascending order of the ordered field, then of id."""
    found = _page(active(case), case, response)
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
            raise _fail(
                case,
                "items_in_order",
                f"{_brief(after, field)} after {_brief(before, field)}",
                f"records in ascending order of {field}, then of id",
            )
    return None


def _id_key(value: Any) -> tuple[int, Any]:
    """Ids compare as numbers when they are numbers, else as strings."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    return (1, str(value))


def page_size_respected(ctx: Any, response: Response, case: Case) -> bool | None:
    """No more records than the size served (the one asked for, capped); a full page unless it is the last."""
    found = _page(active(case), case, response)
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
        raise _fail(
            case, "page_size_respected", f"{len(view.items)} records for {asked}", f"at most {allowed} records{capped}"
        )
    served = _served(view)
    if count is not None and allowed > 0 and served >= 1 and view.find_id is None:
        due = max(0, min(allowed, count - (served - 1) * allowed))
        if len(view.items) != due:
            raise _fail(
                case,
                "page_size_respected",
                f"{len(view.items)} records for {asked} with count {count}",
                f"{due} records: pages of min({state.profile.size_param}, {cap}) = {allowed}, each full but the last",
            )
    return None


def page_echoed(ctx: Any, response: Response, case: Case) -> bool | None:
    """The page number (and the page size, where the page says it) said back as the spec states."""
    found = _page(active(case), case, response)
    if found is None:
        return None
    state, view = found
    profile = state.profile
    state.fire("page_echoed", case)
    served = profile.served_page(view.body)
    if profile.page_echo_is_requested or view.find_id is None:
        if served != view.page:
            raise _fail(
                case, "page_echoed", f"page {served!r} for page={view.page}", f"page {view.page}, the page requested"
            )
    else:
        expected = _expected(state, case, view)
        if expected is not None and served != expected.page:
            why = "the page that holds it" if expected.find_hit else "the page requested, since it does not match"
            raise _fail(
                case,
                "page_echoed",
                f"page {served!r} for page={view.page}, findId={view.find_id}",
                f"page {expected.page}, {why}",
            )
    if profile.size_key is not None:
        size = profile.served_size(view.body)
        due = min(view.size, profile.size_cap)
        if size != due:
            raise _fail(
                case,
                "page_echoed",
                f"{'/'.join(profile.size_key)} {size!r} for {profile.size_param}={view.size}",
                f"{due}: the size given, except that the cap {profile.size_cap} replaces a larger one",
            )
    return None


def category_honoured(ctx: Any, response: Response, case: Case) -> bool | None:
    """With ``category``, every record has exactly that category; ``category=`` lists none."""
    found = _page(active(case), case, response)
    if found is None or found[1].window.category is None or not found[1].items:
        return None
    state, view = found
    state.fire("category_honoured", case)
    wanted, field, name = view.window.category, state.profile.category_field, state.profile.category_param
    nothing = view.window.matches_nothing_by_category
    assert field is not None and name is not None  # a window has a category only where the API filters by one
    for item in view.items:
        if nothing or item.get(field) != wanted:
            raise _fail(
                case,
                "category_honoured",
                f"{_brief(item, field)} for {name}={wanted!r}",
                f"no record for {name}= (empty)" if nothing else f"only records whose {field} is exactly {wanted!r}",
            )
    return None


def count_consistent(ctx: Any, response: Response, case: Case) -> bool | None:
    """``count``/``totalCount`` is the number of matches over all pages."""
    found = _page(active(case), case, response)
    if found is None:
        return None
    state, view = found
    count = state.profile.count(view.body)
    if count is None:
        return None
    expected = _expected(state, case, view)
    key = state.profile.count_key
    if expected is not None:
        state.fire("count_consistent", case)
        if count != expected.total:
            raise _fail(
                case,
                "count_consistent",
                f"{key} {count} for {_bounds(state.profile, view)}",
                f"{key} {expected.total}, the number of matches over all pages",
            )
        return None
    served = _served(view)
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
        raise _fail(case, "count_consistent", f"{key} {count} with {why}", f"a count of at least {floor}")
    following = _next_page(ctx, state, case, view)
    if following == [] and view.size >= 1:
        first = len(view.items) if served == 1 else _first_page_size(ctx, state, case, view)
        if first is not None:
            exact = (served - 1) * first + len(view.items)
            if count != exact:
                raise _fail(
                    case,
                    "count_consistent",
                    f"{key} {count} on the last page {served} ({len(view.items)} records, pages of {first})",
                    f"{key} {exact}, the number of records over all pages",
                )
    return None


def _first_page_size(ctx: Any, state: RunState, case: Case, view: PageView) -> int | None:
    query = {k: v for k, v in view.query.items() if k != state.profile.find_param}
    query[state.profile.page_param] = 1
    try:
        response = _send(ctx, case, query, state.headers)
        items = state.profile.items(response.json()) if response.status_code == 200 else None
    except Exception:
        return None
    return len(items) if items else None


def total_count_when_asked(ctx: Any, response: Response, case: Case) -> bool | None:
    """``includeCount=true`` adds the count; otherwise it is absent."""
    found = _page(active(case), case, response)
    param = found[0].profile.count_param if found else None
    if found is None or param is None:
        return None
    state, view = found
    state.fire("total_count_when_asked", case)
    asked = as_bool(view.query.get(param)) is True
    key = state.profile.count_key
    present = key in view.body
    if asked and state.profile.count(view.body) is None:
        raise _fail(
            case,
            "total_count_when_asked",
            f"no integer {key} (keys: {sorted(view.body)})",
            f"{key}, the number of matches over all pages, since {param}=true",
        )
    if not asked and present:
        raise _fail(
            case,
            "total_count_when_asked",
            f"{key} {view.body[key]!r} for {param}={view.query.get(param, '(absent)')}",
            f"no {key}: it is present only when {param}=true",
        )
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
    state.fire("find_id_on_its_page", case)
    if not view.find_hit():
        raise _fail(
            case,
            "find_id_on_its_page",
            f"page {view.served_page!r} with ids {view.ids} for findId={view.find_id}",
            f"the page that holds record {view.find_id}, which matches the window",
        )
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
    state.fire("next_page_disjoint", case)
    again = [i for i in view.ids if i in {item.get("id") for item in following}]
    if again:
        served = _served(view)
        raise _fail(
            case,
            "next_page_disjoint",
            f"ids {again} on page {served} and again on page {served + 1}",
            "every record on exactly one page",
        )
    return None


def ids_unique(ctx: Any, response: Response, case: Case) -> bool | None:
    """No id appears twice on a page."""
    found = _page(active(case), case, response)
    if found is None or len(found[1].items) < 2:
        return None
    state, view = found
    state.fire("ids_unique", case)
    ids = [repr(i) for i in view.ids]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise _fail(case, "ids_unique", f"ids {', '.join(twice)} more than once on one page", "unique ids")
    return None


def records_coherent(ctx: Any, response: Response, case: Case) -> bool | None:
    """Each record's values agree: a period starts before it ends, nothing is updated before it is created, ..."""
    found = _page(active(case), case, response)
    if found is None or not found[1].items:
        return None
    state, view = found
    state.fire("records_coherent", case)
    profile = state.profile
    for item in view.items:
        for (early, late), strict in [
            *((p, True) for p in profile.strict_pairs),
            *((p, False) for p in profile.loose_pairs),
        ]:
            a, b = record_instant(item, early), record_instant(item, late)
            if a is not None and b is not None and (b <= a if strict else b < a):
                raise _fail(
                    case,
                    "records_coherent",
                    f"record {_brief(item, early, late)}",
                    f"{early} {'<' if strict else '<='} {late}",
                )
        for one, other in profile.null_together:
            if (item.get(one) is None) != (item.get(other) is None):
                raise _fail(
                    case,
                    "records_coherent",
                    f"record {_brief(item, one, other)}",
                    f"{one} null exactly when {other} is",
                )
        for one, other in profile.null_unless:
            if item.get(one) is not None and item.get(other) is None:
                raise _fail(
                    case, "records_coherent", f"record {_brief(item, one, other)}", f"{one} null while {other} is"
                )
        for one, flag in profile.null_when_true:
            if item.get(flag) is True and item.get(one) is not None:
                raise _fail(case, "records_coherent", f"record {_brief(item, one, flag)}", f"{one} null when {flag}")
    return None


def timestamps_utc_millis(ctx: Any, response: Response, case: Case) -> bool | None:
    """Record timestamps are written in UTC with milliseconds (``2024-12-01T12:34:56.000Z``)."""
    found = _page(active(case), case, response)
    if found is None or not found[1].items or not found[0].profile.utc_millis:
        return None
    state, view = found
    state.fire("timestamps_utc_millis", case)
    for item in view.items:
        for name in state.profile.utc_millis:
            value = item.get(name)
            if value is not None and not (isinstance(value, str) and _UTC_MILLIS.fullmatch(value)):
                raise _fail(
                    case,
                    "timestamps_utc_millis",
                    f"record {_brief(item, name)}",
                    f"{name} in UTC with milliseconds, e.g. 2024-12-01T12:34:56.000Z",
                )
    return None


def matching_items_listed(ctx: Any, response: Response, case: Case) -> bool | None:
    """The page lists exactly the records the rules put on it: the matches, in order, sliced into pages."""
    found = _page(active(case), case, response)
    if found is None:
        return None
    state, view = found
    expected = _expected(state, case, view)
    if expected is not None:
        state.fire("matching_items_listed", case)
        want = [r.id for r in expected.records]
        if [repr(i) for i in view.ids] != [repr(i) for i in want]:
            size = f"min({state.profile.size_param}={view.size}, cap {state.profile.size_cap})"
            shown = want if len(want) <= 8 else [*want[:8], "…"]
            raise _fail(
                case,
                "matching_items_listed",
                f"ids {view.ids if len(view.ids) <= 8 else [*view.ids[:8], '…']} for "
                f"{_bounds(state.profile, view)}, page={view.page}, {state.profile.size_param}={view.size}",
                f"ids {shown}: of the {expected.total} matches ({view.window.describe()}), in order of "
                f"{view.window.field} then id, page {expected.page} of pages of {size} (1-based; "
                "empty when page or size < 1)",
            )
        return None
    return _known_listed(ctx, state, case, view)


def _known_listed(ctx: Any, state: RunState, case: Case, view: PageView) -> bool | None:
    """Where the survey knows only part of the data: known matches are not missing from where the order puts them."""
    if view.size < 1 or (view.page < 1 and view.find_id is None):
        return None
    served = _served(view)
    field = view.window.field
    known = [r for r in state.landscape.records if matches(view, r) and field in r.times]
    if not known:
        return None
    listed = set(map(repr, view.ids))
    if not view.items:
        if served == 1 and view.find_id is None:
            state.fire("matching_items_listed", case)
            raise _fail(
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
    is_last = _next_page(ctx, state, case, view) == []
    must = [r for r in known if (served == 1 or first < r.times[field]) and (is_last or r.times[field] < last)]
    if not must:
        return None
    state.fire("matching_items_listed", case)
    missing = [r.id for r in must if repr(r.id) not in listed]
    if missing:
        raise _fail(
            case,
            "matching_items_listed",
            f"page {served} without {missing[:5]!r}, which match and sort within it by {field}",
            "every matching record, in order, on its page",
        )
    return None


def _auth_probe(ctx: Any, response: Response, case: Case, name: str) -> None:
    """The same valid request, refused: without a token (401), or with one lacking the required scope (403)."""
    state = active(case)
    found = _page(state, case, response)
    if state is None or found is None:
        return
    view = found[1]
    expected = 401 if name == "credentials_refused" else 403
    token = None if expected == 401 else state.unscoped_token
    if expected == 403 and (token is None or not state.profile.scopes):
        return
    slot = f"{name}:{'first' if view.page == 1 else 'later'}"
    with state.lock:
        if state.probes[slot] >= MAX_AUTH_PROBES:
            return
        state.probes[slot] += 1
    headers = {k: v for k, v in state.headers.items() if k.lower() != "authorization"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    try:
        answer = _send(ctx, case, view.query, headers)
    except Exception as exc:
        raise _fail(case, name, f"no answer ({type(exc).__name__})", f"status {expected}") from None
    state.fire(name, case)
    if answer.status_code != expected:
        what = "without Authorization" if expected == 401 else "with a token lacking the required scope"
        raise _fail(
            case,
            name,
            f"status {answer.status_code} to the same request {what}",
            f"status {expected}"
            + (
                " (a request without credentials is refused)"
                if expected == 401
                else f" (the operation requires {', '.join(state.profile.scopes)})"
            ),
        )


def credentials_refused(ctx: Any, response: Response, case: Case) -> bool | None:
    """Missing, malformed or expired credentials are refused with 401 and ``WWW-Authenticate: Bearer``."""
    if _judge(ctx, response, case, "credentials_refused"):
        return None
    _auth_probe(ctx, response, case, "credentials_refused")
    return None


def scope_enforced(ctx: Any, response: Response, case: Case) -> bool | None:
    """A token lacking a scope the operation's ``security`` requires is refused with 403."""
    if _judge(ctx, response, case, "scope_enforced"):
        return None
    _auth_probe(ctx, response, case, "scope_enforced")
    return None


def _judge(ctx: Any, response: Response, case: Case, name: str) -> bool:
    """Judge an edge request against what the run expects of it; False when the case is not one of ``name``'s."""
    state = active(case)
    expectation = state.expectations.get(case.id) if state is not None else None
    if state is None or expectation is None or expectation.check != name:
        return False
    state.fire(name, case)
    status = response.status_code
    wanted = " or ".join(map(str, expectation.statuses))
    if status not in expectation.statuses:
        raise _fail(case, name, f"status {status} to {expectation.request}", f"status {wanted}: {expectation.rule}")
    if expectation.challenge and status == 401:
        value = _header(response, "www-authenticate")
        if not value.strip().lower().startswith("bearer"):
            raise _fail(
                case,
                name,
                f"401 with WWW-Authenticate {value or '(absent)'!r} to {expectation.request}",
                "WWW-Authenticate: Bearer on every 401",
            )
    if expectation.same_as is not None and status == 200:
        try:
            body = response.json()
        except ValueError:
            body = None
        if body != expectation.same_as:
            raise _fail(
                case,
                name,
                f"an answer to {expectation.request} that differs from the answer without it",
                f"the same answer: {expectation.rule}",
            )
    return True


def _header(response: Response, name: str) -> str:
    """The first value of a response header (Schemathesis keeps lower-case names, each with a list of values)."""
    values = response.headers.get(name.lower())
    return values[0] if values else ""


def _expectation_check(name: str, doc: str) -> Check:
    def check(ctx: Any, response: Response, case: Case) -> bool | None:
        _judge(ctx, response, case, name)
        return None

    check.__name__ = check.__qualname__ = name
    check.__doc__ = doc
    return check


credentials_accepted = _expectation_check(
    "credentials_accepted",
    "Valid credentials are accepted: any case of the scheme name, any signature, the scope "
    "claims as the spec reads them, a session token that is not a JWT.",
)
checks_in_order = _expectation_check(
    "checks_in_order",
    "Credentials are judged before the scope, and both before the parameters: 401, then 403, then 400.",
)
required_headers_enforced = _expectation_check(
    "required_headers_enforced",
    "Required headers: missing, blank or another value is a 400; media types compare case-insensitively.",
)
query_strings_strict = _expectation_check(
    "query_strings_strict",
    "ASCII integers, true/false, each parameter once, no empty typed value; unknown parameters ignored.",
)
bounds_validated = _expectation_check(
    "bounds_validated",
    "Date-time bounds as RFC 3339 and the parameter's pattern say; integers within their documented range.",
)
no_effect_parameters = _expectation_check(
    "no_effect_parameters", "Parameters documented as having no effect (and unknown ones) change nothing in the answer."
)


def problem_details(ctx: Any, response: Response, case: Case) -> bool | None:
    """Every refusal is an ``application/problem+json`` body whose ``detail`` names the parameter and the value."""
    state = active(case)
    if state is None or not 400 <= response.status_code < 500:
        return None
    state.fire("problem_details", case)
    status = response.status_code
    media = _header(response, "content-type")
    if media.split(";")[0].strip().lower() != "application/problem+json":
        raise _fail(
            case,
            "problem_details",
            f"{status} with content type {media or '(none)'!r}",
            "application/problem+json (RFC 7807)",
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    fields = {"type": str, "title": str, "status": int, "detail": str}
    if not isinstance(body, dict) or any(not isinstance(body.get(k), t) for k, t in fields.items()):
        raise _fail(
            case,
            "problem_details",
            f"{status} with body {str(body)[:200]!r}",
            "a problem with string type, title and detail and an integer status",
        )
    if body["status"] != status:
        raise _fail(
            case,
            "problem_details",
            f"status {body['status']} in the body of a {status}",
            "the problem's status equal to the response's",
        )
    expectation = state.expectations.get(case.id)
    if status == 400 and expectation is not None and expectation.param is not None:
        detail = body["detail"]
        missing = [w for w in (expectation.param, expectation.value) if w and w not in detail]
        if missing:
            raise _fail(
                case,
                "problem_details",
                f"detail {detail!r} to {expectation.request}",
                f"a detail naming {' and '.join(repr(w) for w in missing)}: the parameter, the value "
                "received and what was expected",
            )
    return None


PAGE_CHECKS: tuple[Check, ...] = (
    items_within_window,
    items_in_order,
    page_size_respected,
    page_echoed,
    category_honoured,
    count_consistent,
    total_count_when_asked,
    find_id_on_its_page,
    next_page_disjoint,
    ids_unique,
    records_coherent,
    timestamps_utc_millis,
    matching_items_listed,
)
EXPECTATION_CHECKS: tuple[Check, ...] = (
    credentials_refused,
    credentials_accepted,
    scope_enforced,
    checks_in_order,
    required_headers_enforced,
    query_strings_strict,
    bounds_validated,
    no_effect_parameters,
    problem_details,
)
CHECK_NAMES: tuple[str, ...] = tuple(c.__name__ for c in (*PAGE_CHECKS, *EXPECTATION_CHECKS))
# The rule each check verifies, in one line (its docstring's first line): how reports title its failures.
RULES: dict[str, str] = {
    c.__name__: " ".join((c.__doc__ or c.__name__).split()) for c in (*PAGE_CHECKS, *EXPECTATION_CHECKS)
}

for _check in (*PAGE_CHECKS, *EXPECTATION_CHECKS):
    schemathesis.check(_check)


def applicable_checks(profile: ApiProfile) -> tuple[str, ...]:
    """The semantic checks that apply to an API: those whose rule its spec states."""
    absent = {
        "category_honoured": profile.category_param is None,
        "find_id_on_its_page": profile.find_param is None,
        "total_count_when_asked": profile.count_param is None,
        "timestamps_utc_millis": not profile.utc_millis,
        "scope_enforced": not profile.scopes,
        "required_headers_enforced": not profile.header_params(),
    }
    return tuple(n for n in CHECK_NAMES if not absent.get(n, False))
