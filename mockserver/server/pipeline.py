"""The request stage: auth, scenarios, parameters, data and response of every API operation, compiled once.

It is inserted into Connexion's stack through its extension point and answers every operation of the served specs
itself. Each operation's path is literal (``compile_plan`` refuses path parameters), so the stage finds it by its
method and path, which is all Connexion's routing would do for it, placed just outside Connexion's exception stage
(``MiddlewarePosition.BEFORE_EXCEPTION``, inside the journal, the admin guard, CORS and chaos), so that an answered
request does not pass through the exception stage, the docs' and the APIs' routers. The stock stages behind it see
only the routes outside the APIs (health, token, docs). A request's problem is Connexion's own, handed to
``Rethrow`` inside the exception stage, so Connexion's exception stage writes every 4xx answer. It honours the
``Prefer`` scenarios. ``tests/server/test_pipeline.py`` checks on generated requests
that it answers exactly as Connexion's stock stages would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson
from connexion.exceptions import BadRequestProblem, NonConformingResponseBody, OAuthProblem, OAuthScopeProblem
from openapi_schema_validator import OAS30Validator
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.apis.shape import ApiTable
from mockserver.core.credentials import Authenticator, CredentialsError, bearer_token
from mockserver.core.openapi import Operation, SpecError
from mockserver.core.params import ParameterError, ParameterRules
from mockserver.core.store import Store
from mockserver.server.auth import Access
from mockserver.server.fence import Fence
from mockserver.server.journal import EXTENSION, Entry, Served, fingerprint
from mockserver.server.runtime import ScenarioBook, merge
from mockserver.server.scenarios import Preferences, Scenarios

__all__ = [
    "OperationPlan",
    "RequestStage",
    "Rethrow",
    "admit",
    "compile_plan",
    "page_answer",
    "response_headers",
    "route_path",
]

PENDING = "mockserver.problem"  # the scope's key for a problem handed from the request stage to ``Rethrow``
CREDENTIALS = "mockserver.credentials"  # the scope's key for the request's credentials, once decided

Datasets = Callable[[Preferences], Store]  # the store a request's preferences select


@dataclass(frozen=True)
class OperationPlan:
    """What one operation needs per request, compiled from its spec."""

    access: Access
    rules: ParameterRules
    scenarios: Scenarios
    api: ApiTable
    datasets: Datasets
    response: OAS30Validator | None
    session_headers: frozenset[bytes]  # required header parameters of no fixed value (a session token)


def compile_plan(api: ApiTable, operation: Operation, datasets: Datasets, validate_responses: bool) -> OperationPlan:
    """The plan of ``operation``; security or responses the stage cannot serve as Connexion would are a SpecError."""
    where = f"{api.spec_path}: {operation.method.upper()} {operation.path}"
    if "{" in operation.path:
        raise SpecError(f"{where}: the mock serves a list operation at a literal path (no path parameters)")
    security = operation.security
    if not security.anonymous and not security.bearer:
        raise SpecError(f"{where}: the mock serves bearer (http bearer, oauth2, openIdConnect) security only")
    for alternative in security.alternatives:
        if any(scopes and scheme.type == "http" for scheme, scopes in alternative):
            raise SpecError(f"{where}: scopes belong to oauth2 and openIdConnect schemes, not to http bearer")
        if sum(scheme.type != "http" for scheme, _ in alternative) > 1:
            raise SpecError(f"{where}: one oauth2 or openIdConnect scheme per security requirement")
    response = None
    if validate_responses:
        body = operation.responses.get("200")
        json = body.content.get("application/json") if body is not None else None
        if json is None or json.validator is None:
            raise SpecError(f"{where}: no 200 application/json schema to validate responses against")
        response = json.validator
    return OperationPlan(
        Access.of(operation.security),
        ParameterRules.from_spec(operation.parameters),
        Scenarios(operation),
        api,
        datasets,
        response,
        frozenset(p.name.lower().encode("latin-1") for p in operation.parameters if p.free_header),
    )


def _header(scope: Scope, name: bytes) -> list[str]:
    return [value.decode("latin-1") for key, value in scope["headers"] if key == name]


def admit(plan: OperationPlan, authenticator: Authenticator, scope: Scope, authorization: list[str]) -> None:
    """Raise the 401 or 403 problem the request's credentials get, decided once per request: the first to ask (the
    lane, else the request stage) decides, and the scope keeps the verdict for the other."""
    decided: tuple[Access, OAuthProblem | OAuthScopeProblem | None] | None = scope.get(CREDENTIALS)
    if decided is None or decided[0] is not plan.access:
        try:
            plan.access.check(authenticator, authorization)
            decided = plan.access, None
        except (OAuthProblem, OAuthScopeProblem) as exc:
            decided = plan.access, exc
        scope[CREDENTIALS] = decided
    if decided[1] is not None:
        raise decided[1]


def route_path(scope: Scope) -> str:
    """The path routes match, as Starlette's routing computes it (``root_path`` taken off)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path != root and path[len(root)] == "/":
        return path[len(root) :]
    return "" if root and path == root else path


class RequestStage:
    """The ASGI stage (``app.add_middleware(RequestStage, position=..., routes=..., authenticator=..., book=...)``).

    ``routes`` maps (method, path) to the plan of an operation (a GET also answers HEAD, as Starlette's routes do).
    Placed outside Connexion's exception stage, it does not raise a request's problem through the stages around it:
    it puts it in the scope and hands the request to the next app, where ``Rethrow`` (inside the exception stage)
    raises it, so that Connexion writes it as it writes any.
    """

    # Beyond what the plan checks (credentials, parameters), which the lane checks with the same plan: the ``Prefer``
    # scenarios, and a body to drain.
    fence: ClassVar[Fence] = Fence(acts_on=frozenset({b"prefer", b"content-length", b"transfer-encoding"}))

    def __init__(
        self,
        next_app: ASGIApp,
        *,
        authenticator: Authenticator,
        routes: Mapping[tuple[str, str], OperationPlan],
        book: ScenarioBook,
    ) -> None:
        self.next_app = next_app
        self.routes = routes
        self.authenticator = authenticator
        self.book = book

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        plan = self.routes.get((scope["method"], route_path(scope))) if scope["type"] == "http" else None
        if plan is None:
            await self.next_app(scope, receive, send)
            return
        await _drain(scope, receive)
        try:
            answer = await self._answer(plan, scope)
        except Exception as exc:
            scope[PENDING] = exc  # raised again inside Connexion's exception stage, which writes the problem
            await self.next_app(scope, receive, send)
            return
        await _respond(send, *answer)

    async def _answer(self, plan: OperationPlan, scope: Scope) -> tuple[int, str, bytes, Preferences, bool]:
        """The request's answer (status, content type, body, preferences, whether ``Prefer`` shaped it), or the
        problem it raises."""
        entry: Entry | None = scope.get(EXTENSION)
        authorization = _header(scope, b"authorization")
        prefer = _header(scope, b"prefer")
        try:
            admit(plan, self.authenticator, scope, authorization)
            prefs = self._preferences(plan, scope, prefer, authorization, entry)
            if prefs.delay_ms:
                await asyncio.sleep(prefs.delay_ms / 1000)
            canned = plan.scenarios.canned(prefs)
            if canned is None:
                params = plan.rules.parse(scope)
        except ParameterError as exc:
            if entry is not None:
                entry.explain("refused", exc.detail, rule="header" if exc.location == "header" else "parameter")
                entry.status = 400
            raise BadRequestProblem(detail=exc.detail) from None
        except (OAuthProblem, OAuthScopeProblem, BadRequestProblem) as exc:
            if entry is not None:
                entry.explain("refused", exc.detail, rule=_RULES.get(type(exc), "auth"))
                entry.status = exc.status_code
            raise
        preferred = bool(prefer or prefs.applied)
        if canned is not None:
            if entry is not None:
                entry.explain("scenario", f"the spec's example of status {canned.status} ({', '.join(prefs.applied)})")
                entry.status = canned.status
            return canned.status, canned.content_type, canned.body, prefs, preferred
        if prefs.seed is not None or prefs.dataset:  # another dataset: built (once) off the event loop
            await asyncio.to_thread(plan.datasets, prefs)
        payload, served = page_answer(plan, prefs, params)
        if plan.response is not None:
            _validate(plan.response, payload, entry)
        if entry is not None:
            entry.serve(served)
        return 200, "application/json", payload, prefs, preferred

    def _preferences(
        self, plan: OperationPlan, scope: Scope, prefer: list[str], authorization: list[str], entry: Entry | None
    ) -> Preferences:
        """The request's ``Prefer`` header, completed by the runtime scenario that applies to it, if any."""
        prefs = plan.scenarios.parse(prefer) if prefer else Preferences()
        runtime = (
            self.book.take(plan.api.name, _sessions(scope, plan), _token_fingerprint(authorization))
            if self.book
            else None
        )
        if runtime is not None:
            prefs = merge(prefs, runtime)
            plan.scenarios.check(prefs)
        if entry is not None:
            if runtime is not None:
                entry.applied += (*prefs.applied, "scenario")
            elif prefs.applied:
                entry.applied += prefs.applied
        return prefs


def page_answer(plan: OperationPlan, prefs: Preferences, params: Mapping[str, Any]) -> tuple[bytes, Served]:
    """The body of the page ``params`` ask for in the dataset ``prefs`` select, and what the journal keeps of it."""
    body, _, page = plan.api.answer(plan.datasets(prefs), params)
    dataset = ", ".join(prefs.applied) if prefs.dataset or prefs.seed is not None else ""
    return orjson.dumps(body), (page.total, page.page, page.size, len(page.indexes), dataset)


class Rethrow:
    """The ASGI stage, inside Connexion's exception stage, that raises the problem ``RequestStage``
    put in the scope (``app.add_middleware(Rethrow, position=MiddlewarePosition.BEFORE_SWAGGER)``)."""

    def __init__(self, next_app: ASGIApp) -> None:
        self.next_app = next_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem: Exception | None = scope.pop(PENDING, None)
        if problem is not None:
            raise problem
        await self.next_app(scope, receive, send)


def _validate(validator: OAS30Validator, payload: bytes, entry: Entry | None) -> None:
    """Raise Connexion's 500 problem when the mock's own answer breaks the spec (``--validate-responses``)."""
    error = next(iter(validator.iter_errors(orjson.loads(payload))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.path)
        detail = f"{error.message} - '{where}'"
        if entry is not None:
            entry.explain("refused", f"the mock's own answer broke the spec: {detail}", rule="response")
            entry.status = 500
        raise NonConformingResponseBody(detail=detail)


_RULES = {OAuthScopeProblem: "scope", OAuthProblem: "auth", BadRequestProblem: "prefer"}


def _sessions(scope: Scope, plan: OperationPlan) -> tuple[str, ...]:
    return tuple(fingerprint(v.decode("latin-1")) for k, v in scope["headers"] if k in plan.session_headers)


def _token_fingerprint(authorization: list[str]) -> str | None:
    try:
        return fingerprint(bearer_token(authorization))
    except CredentialsError:
        return None


DRAIN_LIMIT = 16 * 1024 * 1024


async def _drain(scope: Scope, receive: Receive) -> None:
    """Read and drop a request body (the operations take none), so that the connection stays in step.

    Answering before a client has finished sending makes the server close the connection under it, and
    the client may then lose the answer. Past ``DRAIN_LIMIT`` bytes the body is left, and that happens.
    """
    if not any(name in (b"content-length", b"transfer-encoding") for name, _ in scope["headers"]):
        return
    received = 0
    while received <= DRAIN_LIMIT:
        message = await receive()
        received += len(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


def response_headers(
    status: int, content_type: str, length: int, prefs: Preferences, preferred: bool
) -> list[tuple[bytes, bytes]]:
    """The headers of the stage's answer (the lane writes a plain page's with them)."""
    headers = [(b"content-type", content_type.encode()), (b"content-length", b"%d" % length)]
    if preferred:
        headers.append((b"vary", b"Prefer"))
        if prefs.applied:
            headers.append((b"preference-applied", ", ".join(prefs.applied).encode()))
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    if status == 503:
        headers.append((b"retry-after", b"1"))
    return headers


async def _respond(
    send: Send, status: int, content_type: str, body: bytes, prefs: Preferences, preferred: bool
) -> None:
    headers = response_headers(status, content_type, len(body), prefs, preferred)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
