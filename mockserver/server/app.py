"""``create_app(settings)``: the only wiring of specs, data, auth and validation into one Connexion app."""

from __future__ import annotations

import functools
from collections.abc import Callable

from connexion import AsyncApp
from connexion.exceptions import Unauthorized
from connexion.middleware import ConnexionMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.resolver import Resolver
from starlette.middleware.cors import CORSMiddleware

from mockserver.apis import mapping
from mockserver.apis.datasets import generated_store, load_store
from mockserver.core.openapi import ApiId, load_spec, operation
from mockserver.core.params import make_parameter_validator
from mockserver.core.store import Store
from mockserver.server.access_log import AccessLog
from mockserver.server.auth import Authenticator, unauthorized_response
from mockserver.server.chaos import chaos_middleware
from mockserver.server.docs import SPEC_ONLY, add_swagger_ui
from mockserver.server.pipeline import compile_plan, fast_operation_middleware
from mockserver.server.routes import OrjsonJsonifier, healthz, list_handler, token_endpoint
from mockserver.server.scenarios import Preferences
from mockserver.server.settings import Settings, anchor_micros

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


CORS_REQUEST_HEADERS = ("Authorization", "x-session-token", "content-type", "Prefer")
CORS_EXPOSED_HEADERS = ("Preference-Applied", "WWW-Authenticate")
SEEDED_DATASETS = 4  # `Prefer: seed=N` datasets kept at once, per API


def _datasets(api: ApiId, store: Store, settings: Settings) -> Callable[[Preferences], Store]:
    """The store a request's preferences select: the served one, an empty one, or another seed's (cached)."""
    anchor = anchor_micros(settings.anchor)

    @functools.lru_cache(maxsize=SEEDED_DATASETS)
    def seeded(seed: int, count: int) -> Store:
        return generated_store(api, seed, count, anchor)

    def select(prefs: Preferences) -> Store:
        if prefs.dataset == "empty":
            return seeded(0, 0)
        return store if prefs.seed is None else seeded(prefs.seed, settings.count)

    return select


def _middlewares(settings: Settings, stores: dict[ApiId, Store], authenticator: Authenticator) -> list[type]:
    """Connexion's stages, with the compiled operation stage right after routing when ``settings.fast``."""
    stages = list(ConnexionMiddleware.default_middlewares)
    if settings.chaos.active:  # outermost but for CORS and the log, so that a dropped connection reaches uvicorn
        paths = {mapping(api).base_path + operation(api).path for api in settings.apis}
        stages.insert(0, chaos_middleware(settings.chaos, paths))
    if settings.cors_origins:
        stages.insert(0, functools.partial(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=list(CORS_REQUEST_HEADERS), expose_headers=list(CORS_EXPOSED_HEADERS), max_age=600,
        ))
    if settings.access_log:
        stages.insert(0, AccessLog)
    if settings.fast:
        plans = {}
        for api in settings.apis:
            op = operation(api).spec
            plan = compile_plan(load_spec(api), op, mapping(api), _datasets(api, stores[api], settings),
                                settings.validate_responses)
            if plan is not None:
                plans[op["operationId"]] = plan
        stages.insert(stages.index(RoutingMiddleware) + 1, fast_operation_middleware(plans, authenticator))
    return stages


def create_app(settings: Settings, stores: dict[ApiId, Store] | None = None) -> AsyncApp:
    stores = build_stores(settings) if stores is None else stores
    handlers = {operation(api).spec["operationId"]: list_handler(mapping(api), stores[api]) for api in settings.apis}
    authenticator = Authenticator(settings.accepted_tokens)
    app = AsyncApp(
        __name__,
        middlewares=_middlewares(settings, stores, authenticator),
        resolver=Resolver(function_resolver=handlers.__getitem__),
        validator_map={"parameter": make_parameter_validator()},
        security_map=authenticator.security_map(),
        validate_responses=settings.validate_responses,
        jsonifier=OrjsonJsonifier(),
    )
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    app.add_url_rule("/oauth/token", "oauth_token", token_endpoint, methods=["POST"])
    # The API at /main goes first: the one at the root would otherwise see its paths.
    for api in sorted(settings.apis, key=lambda a: mapping(a).base_path == ""):
        app.add_api(load_spec(api), base_path=mapping(api).base_path, name=api, swagger_ui_options=SPEC_ONLY)
        add_swagger_ui(app, api, mapping(api).base_path)
    app.add_error_handler(Unauthorized, unauthorized_response)
    return app
