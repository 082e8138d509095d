"""The Starlette app of one deployment: the API's single operation behind signed bearer tokens, and nothing else
(every other path, ``/.well-known/mockserver`` included, is a 404)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.deployments.config import Config
from tests.deployments.data import Store
from tests.deployments.gateway import Gate, Gateway
from tests.deployments.problems import ProblemError
from tests.deployments.query import events_query, interventions_headers, interventions_query
from tests.deployments.rules import events_page, interventions_page
from tests.deployments.tokens import SCOPE, Grant, TokenError, read_unsigned, verify

__all__ = ["PATHS", "build"]

PATHS = {"events": "/events", "interventions": "/main/calendar/v2/rs/events"}


def _grant(request: Request, config: Config) -> Grant:
    """The grant of the request's bearer token; a 401 problem when there is none that is valid."""
    header = request.headers.get("authorization")
    if header is None:
        raise ProblemError(401, "No authorization token provided", {"WWW-Authenticate": "Bearer"})
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer":
        raise ProblemError(401, f"The Authorization scheme {scheme!r} is not Bearer", {"WWW-Authenticate": "Bearer"})
    if not token:
        raise ProblemError(401, "The bearer token is empty", {"WWW-Authenticate": "Bearer"})
    try:
        if not config.signed:
            return read_unsigned(token)
        return verify(
            token,
            check_signature=config.broken != "bad-signature-accepted",
            check_expiry=config.broken != "expired-accepted",
        )
    except TokenError as exc:
        challenge = f'Bearer error="invalid_token", error_description="{exc}"'
        raise ProblemError(401, f"The bearer token is refused: {exc}", {"WWW-Authenticate": challenge}) from None


def _authorize(request: Request, config: Config) -> None:
    grant = _grant(request, config)
    needed = config.api == "events" and config.broken != "scope-ignored"
    if needed and grant.scopes is not None and SCOPE not in grant.scopes:
        held = sorted(grant.scopes)
        raise ProblemError(403, f"The token's scopes {held} do not include the required scope {SCOPE}")


def _answer(request: Request, config: Config, store: Store) -> dict[str, Any]:
    items = request.query_params.multi_items()
    if config.alternative:  # this deployment reads the request before the credentials
        query = _read(request, config, items)
        _authorize(request, config)
    else:
        _authorize(request, config)
        query = _read(request, config, items)
    records = store.records  # one snapshot for the whole answer
    if config.api == "events":
        return events_page(records, query, config)
    return interventions_page(records, query, config)


def _read(request: Request, config: Config, items: list[tuple[str, str]]) -> Any:
    if config.api == "events":
        return events_query(items, config)
    interventions_headers(dict(request.headers))
    return interventions_query(items, config)


def build(config: Config) -> Starlette:
    """The deployment ``config`` describes; a live one changes its data from startup to shutdown; behind a gateway
    (``app.state.gate`` counts what it let through and refused) when it has a rate limit or latency."""
    store = Store(config)

    async def listing(request: Request) -> Response:
        try:
            body = _answer(request, config, store)
        except ProblemError as problem:
            return problem.response()
        return Response(orjson.dumps(body), media_type="application/json")

    async def refused(_request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}  # a 405's Allow
        detail = "Method not allowed" if status == 405 else "No such resource"
        return ProblemError(status, detail, headers).response()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if not config.live:
            yield
            return
        async with store.changing():
            yield

    app = Starlette(
        routes=[Route(PATHS[config.api], listing, methods=["GET"])],
        exception_handlers={404: refused, 405: refused},
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.gate = Gate()
    if config.rate_limit is not None or config.latency is not None:
        app.add_middleware(
            Gateway,
            limit=config.rate_limit,
            retry_after=config.retry_after,
            latency=config.latency,
            gate=app.state.gate,
        )
    return app
