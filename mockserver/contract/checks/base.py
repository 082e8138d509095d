"""What every semantic check shares: the failure it raises, the page it reads, and its follow-up requests."""

from __future__ import annotations

import functools
import re
from typing import Any

from mockserver.contract.schemathesis.checks import Check, ContractViolation
from mockserver.contract.schemathesis.state import RunState
from mockserver.contract.target.exchange import Answer, Request
from mockserver.contract.target.expected import Expected, expected_matches, expected_page
from mockserver.contract.target.page import PageView, read_page
from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.survey import survey
from mockserver.contract.target.wire import as_bool

__all__ = [
    "MAX_AUTH_PROBES",
    "Check",
    "ContractViolation",
    "bounds",
    "brief",
    "expected_answer",
    "fail",
    "next_page",
    "page_of",
    "rechecked",
    "resend",
    "send",
    "served_number",
]

MAX_AUTH_PROBES = 3
RECHECKS = 3  # tries at explaining a disagreement by data that moved, each with a fresh survey
UTC_MILLIS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z", re.ASCII)


def fail(case: Request, name: str, received: str, expected: str) -> ContractViolation:
    return ContractViolation(case.operation, name, f"Received: {received}\nExpected: {expected}")


def page_view(state: RunState, case: Request, response: Answer) -> PageView | None:
    """The page, with the run's coverage counted once per case."""
    if response.status_code != 200 or not isinstance(case.query, dict):
        return None
    if not case.positive:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if not state.mock_rules and any(case.query.get(n) == "" for n in state.profile.empty_matches_nothing):
        return None  # what an empty filter matches is the mock's decision; a deployment decides its own
    view = read_page(state.profile, case.query, body)
    if view is None:
        return None
    with state.lock:
        if case.id not in state.seen_cases:
            state.seen_cases.add(case.id)
            cov = state.coverage
            cov.responses += 1
            if view.items:
                cov.non_empty += 1
                cov.pages[view.served_page if view.served_page is not None else view.page] += 1
                cov.order_by[view.window.field] += 1
                for name in (state.profile.category_param, state.profile.find_param, state.profile.count_param):
                    if name and name in view.query and (name != state.profile.count_param or as_bool(view.query[name])):
                        cov.filters[name] += 1
    return view


def page_of(state: RunState | None, case: Request, response: Answer) -> tuple[RunState, PageView] | None:
    if state is None:
        return None
    view = page_view(state, case, response)
    return None if view is None else (state, view)


def send(case: Request, query: dict[str, Any], headers: dict[str, str]) -> Answer:
    """A follow-up request of the same operation with the run's transport settings and exactly these headers."""
    return case.follow(query, headers)[1]


def resend(case: Request, query: dict[str, Any], headers: dict[str, str]) -> tuple[Request, Answer]:
    """``send``, with the follow-up's own request (so that checks can judge its answer as a request of their own)."""
    return case.follow(query, headers)


def rechecked(check: Check) -> Check:
    """``check`` made fair to live data: it compares an answer with what earlier answers implied (the survey, another
    page fetched later), so on a deployment a disagreement may be data that moved between the two. It is then
    re-asked at once with a fresh survey of the data: if the target's answer agrees with the fresh view, the
    disagreement is counted as the data having changed (information, never a violation); if it still disagrees after
    ``RECHECKS`` tries, it is a violation. On a target whose data does not move (the mock), every disagreement stands
    its rechecks, so nothing is lost; it is rechecked all the same, since what says it is the mock may be a live
    deployment in front of it."""

    @functools.wraps(check)
    def judged(state: RunState, response: Answer, case: Request) -> bool | None:
        try:
            return check(state, response, case)
        except ContractViolation:
            if check.__name__ in state.violated:
                raise  # a check that already stood a recheck is not asked again
            if not _explained(state, case, check):
                with state.lock:
                    state.violated.add(check.__name__)
                raise
            return None

    return judged


def _explained(state: RunState, case: Request, check: Check) -> bool:
    headers = {**state.headers, **{str(k): str(v) for k, v in (case.headers or {}).items()}}
    query = dict(case.query) if isinstance(case.query, dict) else {}

    def fetch(survey_query: dict[str, Any]) -> Any:
        try:
            answer = send(case, survey_query, state.headers)
            return answer.json() if answer.status_code == 200 else None
        except Exception:  # a survey request that fails leaves that part of the data unknown
            return None

    for _ in range(RECHECKS):
        before = state.landscape
        fresh = survey(state.profile, fetch)
        try:
            probe, again = resend(case, query, headers)
        except Exception:
            return False  # no answer to judge: the first disagreement is all there is
        with state.lock:
            state.landscape = fresh
            state.expected.clear()
            state.next_pages.clear()
        try:
            check(state, again, probe)
        except ContractViolation:
            continue
        state.moved(check.__name__, before, fresh)
        return True
    return False


def served_number(view: PageView) -> int:
    return view.served_page if view.served_page is not None else view.page


def next_page(state: RunState, case: Request, view: PageView) -> list[dict[str, Any]] | None:
    """The items of the page after this one (same query, no findId), fetched once per case; None if unknown."""
    served = served_number(view)
    if not view.items or served < 1 or view.size < 1:
        return None
    with state.lock:
        if case.id in state.next_pages:
            return state.next_pages[case.id]  # type: ignore[no-any-return]
    query = {k: v for k, v in view.query.items() if k != state.profile.find_param}
    query[state.profile.page_param] = served + 1
    try:
        response = send(case, query, state.headers)
        body = response.json() if response.status_code == 200 else None
    except Exception:  # a follow-up that fails says nothing about this page
        body = None
    items = state.profile.items(body)
    with state.lock:
        state.next_pages[case.id] = items
        if items == [] and view.items:
            state.coverage.last_pages += 1
    return items


def expected_answer(state: RunState, case: Request, view: PageView) -> Expected | None:
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


def brief(item: dict[str, Any], *names: str) -> str:
    return "{" + ", ".join(f"{n}: {item.get(n)!r}" for n in ("id", *names)) + "}"


def bounds(profile: ApiProfile, view: PageView) -> str:
    return f"{profile.lower}={view.query[profile.lower]!r}, {profile.upper}={view.query[profile.upper]!r}"
