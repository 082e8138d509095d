"""The generic list handler, and the two routes outside the specs (``/healthz``, ``/oauth/token``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import orjson
from connexion.jsonifier import Jsonifier
from starlette.requests import Request
from starlette.responses import Response

from mockserver.apis import ApiMapping
from mockserver.core.store import Store
from mockserver.core.tokens import mint_token

__all__ = ["OrjsonJsonifier", "healthz", "list_handler", "page_body", "token_endpoint"]

Handler = Callable[..., Awaitable[tuple[dict[str, Any], int, dict[str, str]]]]
_JSON = {"Content-Type": "application/json"}


class OrjsonJsonifier(Jsonifier):  # type: ignore[misc]
    """Bodies as orjson bytes, so that records rendered once are embedded as ``orjson.Fragment``s."""

    def dumps(self, data: Any, **kwargs: Any) -> bytes:
        return orjson.dumps(data)

    def loads(self, data: Any) -> Any:
        return orjson.loads(data)


def page_body(api: ApiMapping, store: Store, params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters (already validated) → query → page → the body, records embedded as rendered JSON."""
    page = store.query(api.to_query(params))
    items = [orjson.Fragment(store.record_json(int(i))) for i in page.indexes]
    return api.page_body(page, params, items)


def list_handler(api: ApiMapping, store: Store) -> Handler:
    """The operation's handler for Connexion's stock stages."""

    async def handler(**params: Any) -> tuple[dict[str, Any], int, dict[str, str]]:
        # The content type is explicit: the operation also produces problem+json (connexion#1956).
        return page_body(api, store, params), 200, _JSON

    return handler


async def healthz(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


async def token_endpoint(request: Request) -> Response:
    """OAuth 2.0 client credentials (RFC 6749 §4.4): any client gets a JWT with the scopes it asks for."""
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
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
