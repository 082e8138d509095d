"""The routes outside the specs (``/healthz``, ``/oauth/token``), and the JSON writer Connexion uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape
from importlib.metadata import version
from typing import Any, Protocol
from urllib.parse import parse_qsl

import orjson
from connexion.jsonifier import Jsonifier
from connexion.lifecycle import ConnexionResponse
from connexion.problem import problem
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response

from mockserver.core.identity import IDENTITY_PATH, identity_body
from mockserver.core.tokens import mint_token
from mockserver.server.journal import did_you_mean

__all__ = [
    "IDENTITY_PATH",
    "TOKEN_BODY_LIMIT",
    "OrjsonJsonifier",
    "healthz_of",
    "identity",
    "landing",
    "not_found",
    "token_endpoint",
]

TOKEN_BODY_LIMIT = 64 * 1024  # a client-credentials form is a few hundred bytes
CLIENT_GONE = 499  # the client closed the connection before its request was read (no answer reaches it)


class OrjsonJsonifier(Jsonifier):  # type: ignore[misc]
    """Bodies as orjson bytes, so that records rendered once are embedded as ``orjson.Fragment``s."""

    def dumps(self, data: Any, **kwargs: Any) -> bytes:
        return orjson.dumps(data)

    def loads(self, data: Any) -> Any:
        return orjson.loads(data)


class _Health(Protocol):
    def health(self) -> str: ...


def healthz_of(state: _Health) -> Callable[[Request], Awaitable[Response]]:
    """``/healthz``: 200 while the process serves, with the shared state's health (``degraded`` while its store is out
    of reach: the APIs are still answered, so a probe must not kill the process for it)."""

    async def healthz(request: Request) -> Response:
        return Response(orjson.dumps({"status": "ok", "state": state.health()}), media_type="application/json")

    return healthz


async def identity(request: Request) -> Response:
    """Says that this server is the mock (RFC 8615 well-known path), so that the contract tester holds it to the mock's
    own decisions as well as to the API's rules; a real deployment has no such route."""
    return Response(orjson.dumps(identity_body(version("mockserver"))), media_type="application/json")


async def token_endpoint(request: Request) -> Response:
    """OAuth 2.0 client credentials (RFC 6749 §4.4): any client gets a JWT with the scopes it asks for.

    The form is read up to ``TOKEN_BODY_LIMIT`` bytes (413 beyond); a client that leaves mid-body is let go quietly.
    """
    try:
        read = await _body(request, TOKEN_BODY_LIMIT)
    except ClientDisconnect:
        return Response(status_code=CLIENT_GONE)
    if read is None:
        detail = f"the token request's body is larger than {TOKEN_BODY_LIMIT} bytes"
        too_large = {"type": "about:blank", "title": "Content Too Large", "status": 413, "detail": detail}
        return Response(orjson.dumps(too_large), status_code=413, media_type="application/problem+json")
    form = dict(parse_qsl(read.decode("utf-8", "replace"), keep_blank_values=True))
    if form.get("grant_type") != "client_credentials":
        error = {"error": "unsupported_grant_type", "error_description": "use grant_type=client_credentials"}
        return Response(orjson.dumps(error), status_code=400, media_type="application/json")
    scopes = form.get("scope", "").split()
    body = {
        "access_token": mint_token(scopes, expires_in=3600, subject=form.get("client_id") or "swagger-ui"),
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": " ".join(scopes),
    }
    return Response(orjson.dumps(body), media_type="application/json", headers={"Cache-Control": "no-store"})


async def _body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None when it is larger than ``limit`` bytes (by its Content-Length, or as it arrives)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            return None
    return bytes(received)


def not_found(operations: tuple[str, ...]) -> Callable[[Any, Exception], ConnexionResponse]:
    """Connexion's 404 handler: its problem, the detail saying which API operation the path was likely meant for
    (the same words as the journal's explanation)."""

    def handler(request: Any, exc: Exception) -> ConnexionResponse:
        path = request.url.path
        return problem(404, "Not Found", f"no API operation at {request.method} {path}{did_you_mean(path, operations)}")

    return handler


def landing(links: list[tuple[str, str, str]]) -> Callable[[Request], Awaitable[Response]]:
    """``GET /``: a small page linking each API's Swagger UI and spec and the inspector (``links``: (group, label,
    path)); the same list as JSON for ``Accept: application/json``."""
    as_json = orjson.dumps({"links": [{"group": g, "title": t, "href": h} for g, t, h in links]})
    items = "".join(f'<li>{escape(g)}: <a href="{escape(h)}">{escape(t)}</a></li>' for g, t, h in links)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        "<title>mockserver</title><style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem}</style></head>"
        f"<body><h1>mockserver</h1><ul>{items}</ul></body></html>"
    ).encode()

    async def view(request: Request) -> Response:
        accept = request.headers.get("accept", "")
        if "application/json" in accept and "text/html" not in accept:
            return Response(as_json, media_type="application/json")
        return HTMLResponse(page)

    return view
