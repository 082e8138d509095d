"""The semantic checks: what the documents state that a schema cannot, one small function per rule.

Each check is a Schemathesis check ``(ctx, response, case)`` registered with ``schemathesis.check``. It
does nothing outside a contract run, and records that it *fired* (had something to verify) so that a run
can tell a rule that held from a rule that was never put to the test. Page checks (``pages``) read 200 answers to
valid requests; expectation checks (``expectations``) judge the edge requests the run sends on purpose
(``requests/edges.py``), each of which says which check judges it and by which rule.
"""

from __future__ import annotations

import schemathesis
from schemathesis.checks import load_all_checks

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
    ids_unique,
    items_in_order,
    items_within_window,
    matching_items_listed,
    next_page_disjoint,
    page_echoed,
    page_size_respected,
    records_coherent,
    timestamps_utc_millis,
    total_count_when_asked,
)
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
# The rule each check verifies, in one line (its docstring's first line): how reports title its failures.
RULES: dict[str, str] = {
    c.__name__: " ".join((c.__doc__ or c.__name__).split()) for c in (*PAGE_CHECKS, *EXPECTATION_CHECKS)
}

# Schemathesis's own checks are registered first and ours after them, whichever module was imported first: the
# order in which a run's checks judge an answer, and so the order of its failures, is one.
load_all_checks()
for _check in (*PAGE_CHECKS, *EXPECTATION_CHECKS):
    schemathesis.check(_check)


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
