"""The requests where each rule can break, built from the spec and the survey: sent on purpose, not left to luck.

Generated fuzzing finds what nobody thought of; these find what the spec's prose says, at its edges, whatever the
example budget: windows a microsecond or a millisecond around the instants of real records, inverted and
zero-width windows, ties, offsets other than ``Z``, the last page and past it, sizes above the cap and below 1,
credentials that must be refused or accepted, header and query-string values the spec refuses, malformed and
extreme bounds. Each edge either carries an :class:`Expectation` (its status, the check and rule that judge it)
or is a valid request whose page the page checks judge against the rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from mockserver.contract.requests.credentials import credentials as credential_edges
from mockserver.contract.requests.credentials import order, scopes
from mockserver.contract.requests.edge import Credentials, Edge, EdgeContext
from mockserver.contract.requests.parameters import bounds, header_rules, inert, query_strings
from mockserver.contract.requests.windows import pages, windows
from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.survey import Landscape

__all__ = ["edges"]


def _all(ctx: EdgeContext) -> Iterator[Edge]:
    yield from credential_edges(ctx)
    if ctx.profile.scopes:
        yield from scopes(ctx, list(ctx.profile.scopes))
    yield from order(ctx)
    yield from header_rules(ctx)
    yield from query_strings(ctx)
    yield from inert(ctx)
    yield from bounds(ctx)
    yield from windows(ctx)
    yield from pages(ctx)


def edges(
    profile: ApiProfile,
    land: Landscape,
    headers: dict[str, str],
    credentials: Credentials,
    now: float,
    *,
    mock_rules: bool = True,
) -> list[Edge]:
    """Every edge request of a run, in a fixed order; without ``mock_rules``, none that only the mock's own decisions
    judge (a deployment is held to the API's rules alone)."""
    ctx = EdgeContext(profile, land, headers, credentials, now, mock_rules)
    return [edge for edge in _all(ctx) if mock_rules or edge.expectation is None or not edge.expectation.mock]
