"""``create_app(settings)``: the only wiring of specs, data, auth and the request stage into one Connexion app
(``create_served``: the app and its fast lane, ``lane.Lane``, which shares its journal, log and scenarios)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, NoReturn

from connexion import AsyncApp
from connexion.exceptions import BadRequestProblem, Unauthorized
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

from mockserver.apis import table
from mockserver.apis.datasets import generated_store, load_store
from mockserver.core.credentials import Authenticator
from mockserver.core.openapi import ApiId, SpecError, compile_spec, data_dir
from mockserver.core.params import ParameterError
from mockserver.core.query import Query
from mockserver.core.store import Store
from mockserver.server.access_log import AccessLog, Lines
from mockserver.server.admin import PREFIX, AdminGuard, admin_handlers, inspector_routes, is_admin
from mockserver.server.auth import stage_owned_security, unauthorized_response
from mockserver.server.chaos import chaos_middleware
from mockserver.server.docs import SPEC_ONLY, add_swagger_ui
from mockserver.server.fence import SERVER, Fence, Fenced
from mockserver.server.journal import Journal, JournalStage, Replay, Understand
from mockserver.server.lane import Lane
from mockserver.server.pipeline import OperationPlan, RequestStage, Rethrow, compile_plan, page_answer
from mockserver.server.routes import (
    IDENTITY_PATH,
    OrjsonJsonifier,
    healthz_of,
    identity,
    landing,
    not_found,
    token_endpoint,
)
from mockserver.server.runtime import PREFERENCE_NAMES
from mockserver.server.scenarios import Preferences
from mockserver.server.settings import Settings, anchor_micros
from mockserver.server.state import JournalOf, State
from mockserver.server.state.embedded import Embedded

__all__ = ["Served", "build_stores", "create_app", "create_served"]


def build_stores(settings: Settings) -> dict[ApiId, Store]:
    """Each served API's dataset: the user's fixture file when given, else generated from the seed."""
    anchor = anchor_micros(settings.anchor)
    return {
        api: load_store(table(api), settings.fixtures[api])
        if api in settings.fixtures
        else generated_store(table(api), settings.seed, settings.count, anchor)
        for api in settings.apis
    }


CORS_REQUEST_HEADERS = ("Authorization", "content-type", "Prefer")  # and every header parameter of the served specs
CORS_EXPOSED_HEADERS = ("Preference-Applied", "WWW-Authenticate")
SEEDED_DATASETS = 4  # `Prefer: seed=N` datasets kept at once, per API


def _datasets(api: ApiId, store: Store, settings: Settings) -> Callable[[Preferences], Store]:
    """The store a request's preferences select: the served one, an empty one, or another seed's (cached)."""
    anchor = anchor_micros(settings.anchor)

    kept: OrderedDict[tuple[int, int], Store] = OrderedDict()
    building = threading.Lock()

    def seeded(seed: int, count: int) -> Store:
        """A seed's dataset, built once (one build at a time: memory for one dataset in the making) and kept among
        the last SEEDED_DATASETS; a request builds it off the event loop (``pipeline``), so a kept one is found
        here without waiting for another's build."""
        found = kept.get((seed, count))
        if found is not None:
            return found
        with building:
            found = kept.get((seed, count))
            if found is None:
                found = kept[(seed, count)] = generated_store(table(api), seed, count, anchor)
                while len(kept) > SEEDED_DATASETS:
                    kept.popitem(last=False)
            return found

    def select(prefs: Preferences) -> Store:
        if prefs.dataset == "empty":
            return seeded(0, 0)
        return store if prefs.seed is None else seeded(prefs.seed, settings.count)

    return select


def _plans(settings: Settings, stores: dict[ApiId, Store]) -> dict[tuple[str, str], OperationPlan]:
    """Per (base path, operation id), as Connexion's routing names an operation, the plan of each served API."""
    plans = {}
    for api in settings.apis:
        served = table(api)
        others = [f"{op.method.upper()} {op.path}" for op in served.spec.operations if op is not served.operation]
        if others:
            raise SpecError(
                f"{served.spec_path}: the mock serves one list operation per spec; also found {', '.join(others)}"
            )
        key = (served.base_path, served.operation.operation_id)
        if key in plans:
            raise SpecError(
                f"{served.spec_path}: {api} is served at {served.base_path or '/'} with the operationId "
                f"{key[1]!r} of another served API"
            )
        plans[key] = compile_plan(
            served, served.operation, _datasets(api, stores[api], settings), settings.validate_responses
        )
    return plans


def _methods(method: str) -> tuple[str, ...]:
    """The request methods that reach an operation of ``method`` (Starlette routes a GET's HEAD to it too)."""
    return ("GET", "HEAD") if method.upper() == "GET" else (method.upper(),)


def _header_params(apis: tuple[ApiId, ...], free_only: bool = False) -> list[str]:
    """The header parameters of the served operations (``free_only``: required ones of no fixed value, sessions)."""
    return list(
        dict.fromkeys(
            p.name for api in apis for p in table(api).operation.params_in("header") if not free_only or p.free_header
        )
    )


def _not_reached(operation_id: str) -> Callable[..., Any]:
    """Connexion wants a function per operation; the request stage answers every API operation before it."""

    def handler(**_: Any) -> NoReturn:
        raise RuntimeError(f"{operation_id} reached Connexion's handler: the request stage should have answered")

    return handler


_VARY_ORIGIN = (b"vary", b"Origin")


class _CorsOutsideAdmin(CORSMiddleware):
    """The APIs' CORS; the admin routes never send CORS headers (no other origin may read or steer them).

    A request without ``Origin`` (curl, a server, a load test: not a browser's cross-origin request) gets what
    Starlette's stage gives it, the answer plus ``Vary: Origin``, without building its header objects."""

    fence: ClassVar[Fence] = Fence(acts_on=frozenset({b"origin"}), adds=(_VARY_ORIGIN,))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
        elif is_admin(scope["path"]):
            await self.app(scope, receive, send)
        elif any(name == b"origin" for name, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
        else:

            async def vary(message: Message) -> None:
                if message["type"] == "http.response.start":
                    _vary_origin(message)
                await send(message)

            await self.app(scope, receive, vary)


def _vary_origin(message: Message) -> None:
    """``Vary: Origin`` added as Starlette's CORS stage adds it to an answer to a request without ``Origin``."""
    headers = message.setdefault("headers", [])
    if isinstance(headers, list) and not any(name.lower() == b"vary" for name, _ in headers):
        headers.append(_VARY_ORIGIN)
        return
    found = MutableHeaders(scope=message)
    found["Vary"] = ", ".join([*found.getlist("Vary"), "Origin"])


def _owners(apis: tuple[ApiId, ...]) -> dict[str, ApiId]:
    """Each API operation's full path (base path and the spec's path), and the API it belongs to."""
    return {table(api).base_path + op.path: api for api in apis for op in table(api).spec.operations}


def _skipped(apis: tuple[ApiId, ...]) -> Callable[[str], bool]:
    """Which paths the journal skips: the mock's own routes and the docs."""
    own = {"/healthz", "/oauth/token", IDENTITY_PATH, PREFIX, "/favicon.ico", "/"}
    own |= {table(api).base_path + suffix for api in apis for suffix in ("/openapi.json", "/ui")}
    prefixes = (PREFIX + "/", *(table(api).base_path + "/ui/" for api in apis))

    def skipped(path: str) -> bool:
        return path in own or path.startswith(prefixes)

    return skipped


def _understanding(plans: Mapping[tuple[str, str], OperationPlan]) -> Understand:
    """For the journal: the query a served request was answered for, worked out again from its query string."""
    by_api = {plan.api.name: plan for plan in plans.values()}

    def understand(api: str, query_string: bytes) -> Query | None:
        plan = by_api.get(api)
        if plan is None:
            return None
        try:
            return plan.api.to_query(plan.rules.query_values(query_string))
        except ParameterError:  # not for a served request: its query string passed these rules
            return None

    return understand


def _links(apis: tuple[ApiId, ...]) -> list[tuple[str, str, str]]:
    """What ``GET /`` links: each API's Swagger UI and spec, then the inspector and its admin API."""
    links = []
    for api in apis:
        base = table(api).base_path
        links += [(api, "Swagger UI", f"{base}/ui/"), (api, "spec (JSON)", f"{base}/openapi.json")]
    return [*links, ("inspector", "requests and scenarios", f"{PREFIX}/"), ("inspector", "admin API", f"{PREFIX}/ui/")]


def _replaying(plans: Mapping[tuple[str, str], OperationPlan]) -> Replay:
    """For the inspector: the body a journalled request was answered with, answered again from the same query and
    preferences (a page of another seed's dataset is not built again for it)."""
    by_api = {plan.api.name: plan for plan in plans.values()}

    def replay(api: str, query_string: bytes, applied: tuple[str, ...], served: bool) -> bytes | None:
        plan = by_api.get(api)
        if plan is None:
            return None
        preferred = [item for item in applied if item.partition("=")[0] in PREFERENCE_NAMES]
        try:
            prefs = plan.scenarios.parse([", ".join(preferred)]) if preferred else Preferences()
            if not served:
                canned = plan.scenarios.canned(prefs)
                return None if canned is None else canned.body
            if prefs.seed is not None:
                return None
            return page_answer(plan, prefs, plan.rules.query_values(query_string))[0]
        except (ParameterError, BadRequestProblem):
            return None

    return replay


@dataclass(frozen=True)
class Served:
    """The app, the lane that answers its plain pages before it (None: every request goes to the app), and the
    state they share with the mock's other processes."""

    app: AsyncApp
    lane: Lane | None
    state: State


def create_app(settings: Settings, stores: dict[ApiId, Store] | None = None) -> AsyncApp:
    return create_served(settings, stores).app


def create_served(
    settings: Settings,
    stores: dict[ApiId, Store] | None = None,
    open_state: Callable[[JournalOf], State] = Embedded,
) -> Served:
    """``open_state``: the store the journal and scenarios are shared through, given this process's journal."""
    stores = build_stores(settings) if stores is None else stores
    plans = _plans(settings, stores)
    secrets = frozenset(n.lower().encode("latin-1") for n in _header_params(settings.apis, free_only=True))
    understand, replay = _understanding(plans), _replaying(plans)

    def journal_of(ids: Callable[[], int] | None) -> Journal:
        return Journal(settings.journal, secrets, understand, settings.journal_bytes, replay=replay, ids=ids)

    state = open_state(journal_of)
    journal, book = state.journal, state.book
    admin = admin_handlers(state, {plan.api.name: plan.scenarios for plan in plans.values()})
    app = AsyncApp(
        __name__,
        resolver=Resolver(function_resolver=lambda op: admin.get(op) or _not_reached(op)),
        security_map=stage_owned_security(),
        jsonifier=OrjsonJsonifier(),
    )
    owners = _owners(settings.apis)
    lines = Lines() if settings.access_log else None
    routes = {
        (method, plan.api.base_path + plan.api.operation.path): plan
        for plan in plans.values()
        for method in _methods(plan.api.operation.method)
    }
    authenticator = Authenticator(settings.accepted_tokens)
    stages = _outer_stages(settings, journal, owners, lines)
    stages.append((RequestStage, {"routes": routes, "authenticator": authenticator, "book": book}))
    for stage, options in stages:  # each inserted just inside Connexion's server-error stage, after the one before
        app.add_middleware(stage, position=MiddlewarePosition.BEFORE_EXCEPTION, **options)
    app.add_middleware(Rethrow, position=MiddlewarePosition.BEFORE_SWAGGER)  # its problems, raised for Connexion
    app.add_url_rule("/healthz", "healthz", healthz_of(state), methods=["GET"])
    app.add_url_rule("/", "landing", landing(_links(settings.apis)), methods=["GET"])
    app.add_url_rule("/oauth/token", "oauth_token", token_endpoint, methods=["POST"])
    app.add_url_rule(IDENTITY_PATH, "identity", identity, methods=["GET"])
    for rule, view in inspector_routes().items():
        app.add_url_rule(rule, f"inspector{rule.replace('/', '_')}", view, methods=["GET"])
    admin_spec = compile_spec(data_dir("spec") / "admin.yaml")
    app.add_api(dict(admin_spec.document), base_path=PREFIX, name="admin", swagger_ui_options=SPEC_ONLY)
    add_swagger_ui(app, "admin", admin_spec, PREFIX)
    # Longer base paths first: an API served at the root would otherwise see the others' paths.
    for api in sorted(settings.apis, key=lambda a: -len(table(a).base_path)):
        served = table(api)
        app.add_api(dict(served.spec.document), base_path=served.base_path, name=api, swagger_ui_options=SPEC_ONLY)
        add_swagger_ui(app, api, served.spec, served.base_path)
    app.add_error_handler(Unauthorized, unauthorized_response)
    app.add_error_handler(404, not_found(tuple(owners)))
    fence = Fence.around([SERVER, *(stage.fence for stage, _ in stages)])
    lane = None if fence.every_request else Lane(routes, authenticator, book, journal, owners, lines, fence)
    return Served(app, lane, state)


Stage = tuple[type[Fenced], dict[str, Any]]  # an ASGI stage's class, which declares its fence, and its options


def _outer_stages(settings: Settings, journal: Journal, owners: dict[str, ApiId], lines: Lines | None) -> list[Stage]:
    """The stages around the request stage, outermost first: the journal with the access log (outside CORS and
    chaos, so that it sees preflights and faults), else the access log alone, the admin guard, CORS, chaos."""
    stages: list[Stage] = []
    if journal.enabled:  # the journal stage writes the access log too
        stages.append(
            (JournalStage, {"journal": journal, "owners": owners, "skipped": _skipped(settings.apis), "log": lines})
        )
    elif lines is not None:
        stages.append((AccessLog, {"lines": lines}))
    stages.append((AdminGuard, {"token": settings.admin_token, "loopback": settings.admin_loopback}))
    if settings.cors_origins:
        cors = {
            "allow_origins": list(settings.cors_origins),
            "allow_methods": ["GET", "POST", "OPTIONS"],
            "allow_headers": [*CORS_REQUEST_HEADERS, *_header_params(settings.apis)],
            "expose_headers": list(CORS_EXPOSED_HEADERS),
            "max_age": 600,
        }
        stages.append((_CorsOutsideAdmin, cors))
    if settings.chaos.active:
        stages.append((chaos_middleware(settings.chaos, set(owners)), {}))
    return stages
