"""The semantic checks: what the documents state that a schema cannot, one small function per rule.

Each check is a function ``(state, answer, request)`` of the run's state and our own request and answer values
(``target/exchange.py``), registered with Schemathesis by the adapter (``schemathesis/checks.py``). It does nothing
outside a contract run, and records that it *fired* (had something to verify) so that a run can tell a rule that
held from a rule that was never put to the test. Page checks (``pages``, and ``records`` for each record on a page)
read 200 answers to valid requests; expectation checks (``expectations``) judge the edge requests the run sends on
purpose (``requests/edges.py``), each of which says which check judges it and by which rule.
"""

from __future__ import annotations

from mockserver.contract.checks.base import Check, ContractViolation
from mockserver.contract.checks.expectations import (
    bounds_validated,
    checks_in_order,
    credentials_accepted,
    credentials_refused,
    no_effect_parameters,
    problem_details,
    query_strings_strict,
    required_headers_enforced,
    scope_enforced,
)
from mockserver.contract.checks.pages import (
    category_honoured,
    count_consistent,
    find_id_on_its_page,
    items_in_order,
    items_within_window,
    matching_items_listed,
    next_page_disjoint,
    page_echoed,
    page_size_respected,
    total_count_when_asked,
)
from mockserver.contract.checks.records import ids_unique, records_coherent, timestamps_utc_millis
from mockserver.contract.schemathesis.checks import register
from mockserver.contract.target.profile import ApiProfile

__all__ = [
    "CHECK_NAMES",
    "EXPECTATION_CHECKS",
    "MOCK_CHECKS",
    "PAGE_CHECKS",
    "RULES",
    "ContractViolation",
    "applicable_checks",
]


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
# The rule each check verifies, in one line: how reports title its failures (data, so that the report"s text does not
# depend on docstrings, which `python -OO` drops).
RULES: dict[str, str] = {
    "items_within_window": (
        "Every listed record lies in the requested window (compared as instants); an inverted window lists none."
    ),
    "items_in_order": "Records come in ascending order of the ordered field, then of id.",
    "page_size_respected": (
        "No more records than the size served (the one asked for, capped); a full page unless it is the last."
    ),
    "page_echoed": "The page number (and the page size, where the page says it) said back as the spec states.",
    "category_honoured": "With ``category``, every record has exactly that category; ``category=`` lists none.",
    "count_consistent": "``count``/``totalCount`` is the number of matches over all pages.",
    "total_count_when_asked": "``includeCount=true`` adds the count; otherwise it is absent.",
    "find_id_on_its_page": "When the ``findId`` record matches the window, the page served holds it.",
    "next_page_disjoint": "Consecutive pages share no record.",
    "ids_unique": "No id appears twice on a page.",
    "records_coherent": (
        "Each record's values agree: a period starts before it ends, nothing is updated before it is created, ..."
    ),
    "timestamps_utc_millis": "Record timestamps are written in UTC with milliseconds (``2024-12-01T12:34:56.000Z``).",
    "matching_items_listed": (
        "The page lists exactly the records the rules put on it: the matches, in order, sliced into pages."
    ),
    "credentials_refused": (
        "Missing, malformed or expired credentials are refused with 401 and ``WWW-Authenticate: Bearer``."
    ),
    "credentials_accepted": (
        "Valid credentials are accepted: any case of the scheme name, any signature, the scope claims as the "
        "spec reads them, a session token that is not a JWT."
    ),
    "scope_enforced": "A token lacking a scope the operation's ``security`` requires is refused with 403.",
    "checks_in_order": (
        "Credentials are judged before the scope, and both before the parameters: 401, then 403, then 400."
    ),
    "required_headers_enforced": (
        "Required headers: missing, blank or another value is a 400; media types compare case-insensitively."
    ),
    "query_strings_strict": (
        "ASCII integers, true/false, each parameter once, no empty typed value; unknown parameters ignored."
    ),
    "bounds_validated": (
        "Date-time bounds as RFC 3339 and the parameter's pattern say; integers within their documented range."
    ),
    "no_effect_parameters": (
        "Parameters documented as having no effect (and unknown ones) change nothing in the answer."
    ),
    "problem_details": (
        "Every refusal is an ``application/problem+json`` body whose ``detail`` names the parameter and the value."
    ),
}

for _check in (*PAGE_CHECKS, *EXPECTATION_CHECKS):
    register(_check)


# The checks whose every rule is the mock's own decision where the documents are silent: the mock is held to them, a
# deployment never (its verdict is "not applicable", with this reason).
MOCK_CHECKS: dict[str, str] = {
    "checks_in_order": "the order 401, then 403, then 400 is the mock's decision; the documents do not state one",
    "no_effect_parameters": "ignoring unknown parameters and the documented no-op ones is the mock's decision",
    "timestamps_utc_millis": "UTC with milliseconds is how the mock writes instants; any RFC 3339 instant is valid",
}


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
