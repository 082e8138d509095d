"""The fast lane: a plain GET of a list operation answered as the protocol reads its head, with no ASGI task.

Most requests a mock serves are the same kind: a GET of a list operation with a token and a query, no ``Prefer``,
no ``Origin``, no body. The ASGI app answers them through uvicorn's request cycle (a task, a receive and a send,
messages as dicts, status and headers checked and written by uvicorn) and the stages around the request stage
(uvicorn's proxy headers, Connexion's entry, Starlette's server-error stage, the journal, the admin guard, CORS): about
a fifth of such a request's time at the server (the stream: 12,200 req/s through the app, 15,200 through the lane).
The lane answers those requests itself, synchronously, with the request stage's own plan, and writes exactly the
bytes the app would (``tests/server/test_lane.py`` compares them).

It answers only what it is sure of: a 200 page. Anything else (a refusal, a scenario, a header that the stages
around the request stage act on, a runtime scenario armed, responses validated) goes to the app, which then
answers the request from the start: the lane has changed nothing (no journal entry, no scenario used).
"""

from __future__ import annotations

from collections.abc import Mapping
from time import perf_counter

from connexion.exceptions import OAuthProblem, OAuthScopeProblem
from starlette.types import Scope

from mockserver.core.credentials import Authenticator
from mockserver.core.params import ParameterError
from mockserver.server.access_log import Lines, access_line
from mockserver.server.journal import Journal
from mockserver.server.pipeline import OperationPlan, page_answer, route_path
from mockserver.server.runtime import ScenarioBook
from mockserver.server.scenarios import Preferences

__all__ = ["Lane"]

# Headers some stage around the request stage acts on (CORS, proxy headers, a body to drain, Prefer scenarios,
# 100-continue): a request with one of them takes the app's way.
_NOT_PLAIN = frozenset(
    {b"origin", b"prefer", b"content-length", b"transfer-encoding", b"expect", b"x-forwarded-for", b"x-forwarded-proto"}
)
_PLAIN = Preferences()


class Lane:
    """``lane(scope)``: the header lines and body of a plain GET's 200 page, or None when the app should answer it."""

    def __init__(
        self,
        routes: Mapping[tuple[str, str], OperationPlan],
        authenticator: Authenticator,
        book: ScenarioBook,
        journal: Journal,
        owners: Mapping[str, str],
        lines: Lines | None,
        vary_origin: bool,
    ) -> None:
        self.plans = {path: plan for (method, path), plan in routes.items() if method == "GET"}
        self.authenticator = authenticator
        self.book = book
        self.journal = journal if journal.enabled else None
        self.owned = {path: (api, path) for path, api in owners.items()}
        self.lines = lines
        self.extra = b"vary: Origin\r\n" if vary_origin else b""

    def __call__(self, scope: Scope) -> tuple[bytes, bytes] | None:
        started = perf_counter()
        if scope["method"] != "GET" or self.book:
            return None
        plan = self.plans.get(route_path(scope))
        if plan is None or plan.response is not None:
            return None
        authorization = []
        for name, value in scope["headers"]:
            if name in _NOT_PLAIN:
                return None
            if name == b"authorization":
                authorization.append(value.decode("latin-1"))
        try:
            plan.access.check(self.authenticator, authorization)
            params = plan.rules.parse(scope)
        except (ParameterError, OAuthProblem, OAuthScopeProblem):  # the app writes the problem (and its journal entry)
            return None
        payload, served = page_answer(plan, _PLAIN, params)
        if self.journal is not None:
            api, path = self.owned.get(scope["path"]) or (None, scope["path"])
            self.journal.served(scope, path, api, started, served)
        if self.lines is not None:
            self.lines.write(access_line(scope, 200))
        return b"content-type: application/json\r\ncontent-length: %d\r\n%s" % (len(payload), self.extra), payload
