"""The compiled request path: auth, parameters, handler and response of each spec operation, in one stage.

Connexion's stock stages (security, request validation, the handler's decorator chain, response
validation) re-inspect signatures and rebuild validators on every request. This middleware sits
right after Connexion's routing and runs the same steps from plans compiled once from the spec,
raising the same Connexion problems, so every answer stays identical to the stock pipeline's
(``tests/test_fastpath.py`` checks it on generated requests). Anything it has no plan for goes on
down the stock pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from connexion.exceptions import NonConformingResponseBody, OAuthProblem, OAuthScopeProblem
from openapi_schema_validator import OAS30Validator
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.auth import Authenticator
from mockserver.handlers import Handler
from mockserver.params import FORMAT_CHECKER, ParameterRules

__all__ = ["OperationPlan", "compile_plan", "fast_operation_middleware"]

_ROUTING = "connexion_routing"
_BEARER_SCHEMES = {("http", "bearer"), ("oauth2", None)}


@dataclass(frozen=True)
class OperationPlan:
    """What one operation needs per request, compiled from its spec."""

    scopes: tuple[str, ...]  # required by the operation's oauth2 scheme, if any
    rules: ParameterRules
    handler: Handler
    response: OAS30Validator | None


def compile_plan(
    spec: Mapping[str, Any], operation: Mapping[str, Any], handler: Handler, validate_responses: bool
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
    return OperationPlan(tuple(scopes), ParameterRules.from_spec(operation.get("parameters", [])), handler, response)


def _authorization(scope: Scope) -> str | None:
    """The ``Authorization`` header; given more than once, it is refused (which one counts is ambiguous)."""
    values = [value for name, value in scope["headers"] if name == b"authorization"]
    if len(values) > 1:
        raise OAuthProblem(detail=f"Authorization is given {len(values)} times; give it once")
    return values[0].decode("latin-1") if values else None


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
            self._authorize(plan, scope)
            params = plan.rules.parse(scope)
            body, status, _ = await plan.handler(**params)
            payload = orjson.dumps(body)
            if plan.response is not None:
                error = next(iter(plan.response.iter_errors(orjson.loads(payload))), None)
                if error is not None:
                    where = "/".join(str(p) for p in error.path)
                    raise NonConformingResponseBody(detail=f"{error.message} - '{where}'")
            await send({"type": "http.response.start", "status": status, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
            ]})
            await send({"type": "http.response.body", "body": payload})

        @staticmethod
        def _authorize(plan: OperationPlan, scope: Scope) -> None:
            """Connexion's bearer and oauth2 handlers' answers, in their order: 401s, then 403."""
            header = _authorization(scope)
            if not header:
                raise OAuthProblem(detail="No authorization token provided")
            try:
                kind, token = header.split(maxsplit=1)
            except ValueError:
                raise OAuthProblem(detail="Invalid authorization header") from None
            if kind.lower() != "bearer":
                raise OAuthProblem(detail="No authorization token provided")
            granted = authenticator.token_info(token)["scope"]
            if plan.scopes and not authenticator.validate_scope(plan.scopes, granted):
                raise OAuthScopeProblem(required_scopes=list(plan.scopes), token_scopes=granted)

    return FastOperationMiddleware
