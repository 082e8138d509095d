"""The compiled request path: auth, scenarios, parameters, data and response of each operation, in one stage.

Connexion's stock stages (security, request validation, the handler's decorator chain, response
validation) re-inspect signatures and rebuild validators on every request. This middleware sits
right after Connexion's routing and runs the same steps from plans compiled once from the spec,
raising the same Connexion problems, so every answer stays identical to the stock pipeline's
(``tests/server/test_pipeline.py`` checks it on generated requests). It also honours the ``Prefer``
scenarios. Anything it has no plan for goes on down the stock pipeline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from connexion.exceptions import NonConformingResponseBody, OAuthProblem, OAuthScopeProblem
from openapi_schema_validator import OAS30Validator
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.apis import ApiMapping
from mockserver.core.params import FORMAT_CHECKER, ParameterRules
from mockserver.core.store import Store
from mockserver.server.auth import Authenticator
from mockserver.server.routes import page_body
from mockserver.server.scenarios import Preferences, Scenarios

__all__ = ["OperationPlan", "compile_plan", "fast_operation_middleware"]

_ROUTING = "connexion_routing"
_BEARER_SCHEMES = {("http", "bearer"), ("oauth2", None)}

Datasets = Callable[[Preferences], Store]  # the store a request's preferences select


@dataclass(frozen=True)
class OperationPlan:
    """What one operation needs per request, compiled from its spec."""

    scopes: tuple[str, ...]  # required by the operation's oauth2 scheme, if any
    rules: ParameterRules
    scenarios: Scenarios
    api: ApiMapping
    datasets: Datasets
    response: OAS30Validator | None


def compile_plan(
    spec: Mapping[str, Any], operation: Mapping[str, Any], api: ApiMapping, datasets: Datasets,
    validate_responses: bool,
) -> OperationPlan | None:
    """The plan of ``operation``, or None when its security is not one bearer requirement (stock path)."""
    requirements = operation.get("security", spec.get("security", []))
    schemes = spec.get("components", {}).get("securitySchemes", {})
    if len(requirements) != 1:
        return None
    scopes: list[str] = []
    for name, required in requirements[0].items():
        scheme = schemes[name]
        kind = (scheme["type"], scheme.get("scheme", "").lower() or None)
        if kind not in _BEARER_SCHEMES:
            return None
        scopes += required
    response = None
    if validate_responses:
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        response = OAS30Validator({**schema, "components": spec["components"]}, format_checker=FORMAT_CHECKER)
    return OperationPlan(tuple(scopes), ParameterRules.from_spec(operation.get("parameters", [])),
                         Scenarios(operation, spec["components"]), api, datasets, response)


def _header(scope: Scope, name: bytes) -> list[str]:
    return [value.decode("latin-1") for key, value in scope["headers"] if key == name]


def fast_operation_middleware(plans: Mapping[str, OperationPlan], authenticator: Authenticator) -> type:
    """A Connexion middleware class (Connexion builds it from ``next_app`` alone) bound to these plans."""

    class FastOperationMiddleware:
        def __init__(self, next_app: ASGIApp) -> None:
            self.next_app = next_app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            routing = scope.get("extensions", {}).get(_ROUTING, {})
            plan = plans.get(routing.get("operation_id")) if scope["type"] == "http" else None
            if plan is None:
                await self.next_app(scope, receive, send)
                return
            await _drain(scope, receive)
            self._authorize(plan, scope)
            prefer = _header(scope, b"prefer")
            prefs = plan.scenarios.parse(prefer) if prefer else Preferences()
            if prefs.delay_ms:
                await asyncio.sleep(prefs.delay_ms / 1000)
            canned = plan.scenarios.canned(prefs)
            if canned is not None:
                await _respond(send, canned.status, canned.content_type, canned.body, prefs, bool(prefer))
                return
            params = plan.rules.parse(scope)
            payload = orjson.dumps(page_body(plan.api, plan.datasets(prefs), params))
            if plan.response is not None:
                error = next(iter(plan.response.iter_errors(orjson.loads(payload))), None)
                if error is not None:
                    where = "/".join(str(p) for p in error.path)
                    raise NonConformingResponseBody(detail=f"{error.message} - '{where}'")
            await _respond(send, 200, "application/json", payload, prefs, bool(prefer))

        @staticmethod
        def _authorize(plan: OperationPlan, scope: Scope) -> None:
            """Connexion's bearer and oauth2 handlers' answers, in their order: 401s, then 403."""
            values = _header(scope, b"authorization")
            if len(values) > 1:  # which one counts would be ambiguous
                raise OAuthProblem(detail=f"Authorization is given {len(values)} times; give it once")
            if not values or not values[0]:
                raise OAuthProblem(detail="No authorization token provided")
            try:
                kind, token = values[0].split(maxsplit=1)
            except ValueError:
                raise OAuthProblem(detail="Invalid authorization header") from None
            if kind.lower() != "bearer":
                raise OAuthProblem(detail="No authorization token provided")
            granted = authenticator.token_info(token)["scope"]
            if plan.scopes and not authenticator.validate_scope(plan.scopes, granted):
                raise OAuthScopeProblem(required_scopes=list(plan.scopes), token_scopes=granted)

    return FastOperationMiddleware


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


async def _respond(send: Send, status: int, content_type: str, body: bytes, prefs: Preferences,
                   preferred: bool) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    if preferred:
        headers.append((b"vary", b"Prefer"))
        if prefs.applied:
            headers.append((b"preference-applied", ", ".join(prefs.applied).encode()))
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    if status == 503:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
