"""One edge request, the tokens a run may judge with, and what every family of edge requests builds on."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mockserver.contract.target.expected import Expectation
from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.survey import Landscape, wide_query

__all__ = ["Credentials", "Edge", "EdgeContext", "with_baseline"]


@dataclass(frozen=True)
class Edge:
    """One request to send: its query and headers, what it must get, and the request whose answer it must equal."""

    query: dict[str, Any]
    headers: dict[str, str]
    expectation: Expectation | None = None  # None: a valid request, judged by the page checks
    baseline: dict[str, Any] | None = None  # a query whose 200 body this one's must equal


@dataclass(frozen=True)
class Credentials:
    """The tokens a run may judge with: the run's own, and those the user gave for refusals and scopes."""

    unscoped: str | None = None  # a token without the operation's scope
    unscoped_given: bool = False  # the user gave it (else the tester minted it: the mock's rule only)
    expired: str | None = None  # a token the target issued that has expired (--expired-token)


class EdgeContext:
    """What the edge requests of one run are built from: the profile, the survey, the run's headers and tokens."""

    def __init__(
        self,
        profile: ApiProfile,
        land: Landscape,
        headers: dict[str, str],
        credentials: Credentials,
        now: float,
        mock_rules: bool,
    ) -> None:
        self.profile = profile
        self.land = land
        self.headers = headers
        self.unscoped = credentials.unscoped
        self.given = credentials
        self.mock_rules = mock_rules
        self.now = now
        self.token = headers.get("Authorization", "").partition(" ")[2]

    def base(self, **extra: Any) -> dict[str, Any]:
        """A valid request for everything, small pages."""
        query = {**wide_query(self.profile), self.profile.size_param: 3}
        query.update(extra)
        return query

    def without_auth(self) -> dict[str, str]:
        return {k: v for k, v in self.headers.items() if k.lower() != "authorization"}

    def bearer(self, token: str, scheme: str = "Bearer") -> dict[str, str]:
        return {**self.without_auth(), "Authorization": f"{scheme} {token}".rstrip() if token else scheme}


def with_baseline(edge: Edge, body: Any) -> Edge:
    """``edge`` whose expectation now holds the body its answer must equal."""
    assert edge.expectation is not None
    return replace(edge, expectation=replace(edge.expectation, same_as=body))
