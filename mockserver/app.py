"""``create_app(settings)``: the only wiring of specs, data, auth and validation into one Connexion app."""

from __future__ import annotations

from connexion import AsyncApp
from connexion.exceptions import Unauthorized
from connexion.resolver import Resolver

from mockserver.apis import mapping
from mockserver.auth import Authenticator, unauthorized_response
from mockserver.fixtures import generated_store, load_store
from mockserver.handlers import OrjsonJsonifier, healthz, list_handler, token_endpoint
from mockserver.params import make_parameter_validator
from mockserver.settings import Settings, anchor_micros
from mockserver.specs import ApiId, load_spec, operation
from mockserver.store import Store

__all__ = ["build_stores", "create_app"]


def build_stores(settings: Settings) -> dict[ApiId, Store]:
    """Each served API's dataset: the user's fixture file when given, else generated from the seed."""
    anchor = anchor_micros(settings.anchor)
    return {
        api: load_store(api, settings.fixtures[api])
        if api in settings.fixtures
        else generated_store(api, settings.seed, settings.count, anchor)
        for api in settings.apis
    }


def create_app(settings: Settings, stores: dict[ApiId, Store] | None = None) -> AsyncApp:
    stores = build_stores(settings) if stores is None else stores
    handlers = {operation(api).spec["operationId"]: list_handler(mapping(api), stores[api]) for api in settings.apis}
    app = AsyncApp(
        __name__,
        resolver=Resolver(function_resolver=handlers.__getitem__),
        validator_map={"parameter": make_parameter_validator()},
        security_map=Authenticator(settings.accepted_tokens).security_map(),
        validate_responses=settings.validate_responses,
        jsonifier=OrjsonJsonifier(),
    )
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    app.add_url_rule("/oauth/token", "oauth_token", token_endpoint, methods=["POST"])
    # The API at /main goes first: the one at the root would otherwise see its paths.
    for api in sorted(settings.apis, key=lambda a: mapping(a).base_path == ""):
        app.add_api(load_spec(api), base_path=mapping(api).base_path, name=api)
    app.add_error_handler(Unauthorized, unauthorized_response)
    return app
