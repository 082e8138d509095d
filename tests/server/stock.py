"""Connexion's stock stages serving the same data: the oracle of the request stage's differential test.

The stock stages do their own routing-time security (Connexion's bearer and oauth2 handlers, which read
``Authorization`` themselves), request validation (with our parameter rules plugged into its
``validator_map``), handler call and response validation. Only the tests build this app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import BadRequestProblem, OAuthProblem, Unauthorized
from connexion.resolver import Resolver
from connexion.security import BearerSecurityHandler, OAuthSecurityHandler
from connexion.validators import ParameterValidator

from mockserver.apis import table
from mockserver.apis.shape import ApiTable
from mockserver.core.credentials import Authenticator, CredentialsError
from mockserver.core.openapi import ApiId
from mockserver.core.params import ParameterError, ParameterRules
from mockserver.core.store import Store
from mockserver.server.auth import unauthorized_response
from mockserver.server.routes import OrjsonJsonifier
from mockserver.server.settings import Settings

Handler = Callable[..., Awaitable[tuple[dict[str, Any], int, dict[str, str]]]]


def _handler(api: ApiTable, store: Store) -> Handler:
    async def handler(**params: Any) -> tuple[dict[str, Any], int, dict[str, str]]:
        # The content type is explicit: the operation also produces problem+json (connexion#1956).
        return api.page_body(store, params), 200, {"Content-Type": "application/json"}

    return handler


def _parameter_validator(api: ApiTable) -> type[ParameterValidator]:
    rules = ParameterRules.from_spec(api.operation.parameters)

    class StrictParameterValidator(ParameterValidator):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def validate(self, scope: Mapping[str, Any]) -> None:
            try:
                rules.parse(scope)
            except ParameterError as exc:
                raise BadRequestProblem(detail=exc.detail) from None

    return StrictParameterValidator


def _security_map(authenticator: Authenticator) -> dict[str, type]:
    def info(token: str) -> dict[str, Any]:
        try:
            return authenticator.token_info(token)
        except CredentialsError as exc:
            raise OAuthProblem(detail=exc.detail) from None

    validate = authenticator.validate_scope

    class Bearer(BearerSecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return info

    class OAuth(OAuthSecurityHandler):  # type: ignore[misc]
        def get_tokeninfo_func(self, security_definition: dict[str, Any]) -> Callable[..., Any]:
            return info

        @classmethod
        def get_scope_validate_func(cls, security_definition: dict[str, Any]) -> Callable[..., Any]:
            return validate

    return {"bearer": Bearer, "oauth2": OAuth, "openIdConnect": OAuth}


def stock_app(settings: Settings, stores: Mapping[ApiId, Store]) -> AsyncApp:
    """One app per API (each with its own parameter rules), mounted as the served app mounts them."""
    authenticator = Authenticator(settings.accepted_tokens)
    handlers = {table(api).operation.operation_id: _handler(table(api), stores[api]) for api in settings.apis}
    app = AsyncApp(
        __name__,
        resolver=Resolver(function_resolver=handlers.__getitem__),
        security_map=_security_map(authenticator),
        validate_responses=settings.validate_responses,
        jsonifier=OrjsonJsonifier(),
    )
    for api in sorted(settings.apis, key=lambda a: -len(table(a).base_path)):
        served = table(api)
        app.add_api(
            dict(served.spec.document),
            base_path=served.base_path,
            name=api,
            validator_map={"parameter": _parameter_validator(served)},
        )
    app.add_error_handler(Unauthorized, unauthorized_response)
    return app
