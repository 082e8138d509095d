"""The mock's own routes under ``/__mock/`` (``spec/admin.yaml``): the journal, runtime scenarios, the inspector.

Connexion validates these operations against the admin spec (they are not API operations: the request stage
lets them through); the handlers here answer them. ``AdminGuard`` keeps them closed where they must be: on a
server bound beyond loopback they answer 404 unless an admin token was given, then they require it; on loopback
they answer only to a ``Host`` naming loopback (DNS rebinding), read strictly; and they never carry CORS headers.
The admin token is read from ``Authorization`` by the APIs' own reader (``bearer_token``: any case of the scheme).
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import orjson
from connexion import NoContent, request
from connexion.exceptions import BadRequestProblem
from connexion.problem import problem
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.core.credentials import CredentialsError, bearer_token
from mockserver.server.fence import Fence
from mockserver.server.journal import fingerprint
from mockserver.server.protocol import TARGET_AUTHORITY
from mockserver.server.runtime import MAX_SCENARIOS, PREFERENCE_NAMES, preferences_of
from mockserver.server.scenarios import Scenarios
from mockserver.server.state import State, StoreUnavailableError, TooManyScenariosError

__all__ = [
    "PREFIX",
    "TARGET_AUTHORITY",
    "AdminGuard",
    "admin_handlers",
    "inspector_routes",
    "is_admin",
    "is_loopback_authority",
]

PREFIX = "/__mock"
# A Host header: a name or an address (IPv6 in brackets), an optional port, nothing else.
_AUTHORITY = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9.-]+))(?::[0-9]{1,5})?")
_FILTERS = ("api", "status", "since")
_PAGE = (Path(__file__).resolve().parent / "templates" / "inspector.html").read_bytes()


def is_admin(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def is_loopback_authority(authority: str) -> bool:
    """Whether a ``Host`` value names this machine: ``localhost``, 127.0.0.0/8 or ``[::1]``, with an optional port
    and nothing more (``[::1]evil.com``, ``localhost.evil.com``, ``127.0.0.1@evil.com`` do not)."""
    found = _AUTHORITY.fullmatch(authority)
    if found is None:
        return False
    if found["name"] is not None and found["name"].lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(found["v6"] or found["name"])
    except ValueError:
        return False
    return address.version == (6 if found["v6"] else 4) and address.is_loopback


def _loopback_host(scope: Scope) -> bool:
    """Whether the request names loopback: the authority of an absolute-form target (``GET http://host/…``), which
    HTTP says wins over ``Host``, else its one ``Host`` header."""
    target = scope.get("extensions", {}).get(TARGET_AUTHORITY)
    if target is not None:
        return is_loopback_authority(target)
    hosts = [v.decode("latin-1") for k, v in scope["headers"] if k == b"host"]
    return len(hosts) == 1 and is_loopback_authority(hosts[0])


def _admin_token(scope: Scope) -> bytes | None:
    try:
        return bearer_token([v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"]).encode(
            "latin-1"
        )
    except CredentialsError:
        return None


async def _answer(send: Send, status: int, title: str, detail: str, extra: list[tuple[bytes, bytes]]) -> None:
    body = orjson.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class AdminGuard:
    """Outermost stage for ``/__mock``: closed beyond loopback without a token, token-checked with one."""

    fence: ClassVar[Fence] = Fence()  # it acts on the admin routes alone

    def __init__(self, next_app: ASGIApp, *, token: str | None, loopback: bool) -> None:
        self.next_app = next_app
        self.token = token
        self.loopback = loopback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_admin(scope["path"]):
            await self.next_app(scope, receive, send)
            return
        if self.token is None:
            if not self.loopback:  # nobody may steer a mock that others can reach, unless given a token
                await _answer(send, 404, "Not Found", "the admin routes are off: start with --admin-token", [])
                return
            if not _loopback_host(scope):
                await _answer(send, 403, "Forbidden", "the admin routes answer only to a loopback Host", [])
                return
        else:
            given = _admin_token(scope)
            if given is None or not hmac.compare_digest(given, self.token.encode()):
                challenge = [(b"www-authenticate", b'Bearer realm="mockserver admin"')]
                await _answer(
                    send, 401, "Unauthorized", "the admin routes need Authorization: Bearer <admin token>", challenge
                )
                return
        await self.next_app(scope, receive, send)


_JSON = {"Content-Type": "application/json"}  # explicit: the operations also produce problem+json (connexion#1956)


def _json(body: Any) -> tuple[Any, int, dict[str, str]]:
    return body, 200, _JSON


def unavailable(exc: StoreUnavailableError) -> Any:
    """The admin routes' answer while the store is out of reach: a 503 naming it (API requests go on)."""
    return problem(503, "Service Unavailable", str(exc), headers={"Retry-After": "1"})


def admin_handlers(state: State, scenarios: Mapping[str, Scenarios]) -> dict[str, Any]:
    """The admin spec's operations, by operationId: each answers for every process sharing ``state``."""

    async def list_requests(
        api: str | None = None,
        status: int | None = None,
        since: int | None = None,
        limit: int = 200,
    ) -> Any:
        found = await state.requests(api, status, since, limit)
        body = {"requests": found, "pid": os.getpid(), "capacity": state.journal.capacity, "store": state.name}
        return _json(body)

    async def clear_requests() -> Any:
        await state.clear_requests()
        return NoContent, 204

    async def count_requests(
        api: str | None = None,
        status: int | None = None,
        since: int | None = None,
    ) -> Any:
        carried = {k: v for k, v in request.query_params.items() if k not in _FILTERS}
        return _json({"count": await state.count(api, status, since, carried)})

    async def get_request(id: int) -> Any:
        entry = await state.entry(id)
        if entry is None:
            capacity = state.journal.capacity
            return problem(404, "Not Found", f"no entry {id} in the journal (it keeps the latest {capacity})")
        return _json({**entry, "response": state.journal.response(entry)})

    async def list_scenarios() -> Any:
        return _json({"scenarios": [s.to_json() for s in await state.scenarios()]})

    async def put_scenario(body: dict[str, Any]) -> Any:
        values = {name: body[name] for name in PREFERENCE_NAMES if name in body}
        if not values:
            raise BadRequestProblem(detail=f"a scenario sets at least one of {', '.join(PREFERENCE_NAMES)}")
        api = body.get("api")
        if api is not None and api not in scenarios:
            raise BadRequestProblem(detail=f"api={api!r} is not served here (served: {', '.join(scenarios)})")
        prefs = preferences_of(values)
        for name in [api] if api is not None else list(scenarios):
            scenarios[name].check(prefs)  # the same rules as a Prefer header, for every API in scope
        session = body.get("sessionToken")
        try:
            stored = await state.put_scenario(
                values,
                api,
                None if session is None else fingerprint(session),
                body.get("tokenFingerprint"),
                body.get("times"),
            )
        except TooManyScenariosError:
            raise BadRequestProblem(
                detail=f"at most {MAX_SCENARIOS} scenarios are in force at once: clear some (DELETE /__mock/scenario)"
            ) from None
        return _json(stored.to_json())

    async def clear_scenarios() -> Any:
        await state.clear_scenarios()
        return NoContent, 204

    handlers: dict[str, Callable[..., Any]] = {
        "listRequests": list_requests,
        "clearRequests": clear_requests,
        "countRequests": count_requests,
        "getRequest": get_request,
        "listScenarios": list_scenarios,
        "putScenario": put_scenario,
        "clearScenarios": clear_scenarios,
    }
    return {name: _answering_503(handler) for name, handler in handlers.items()}


def _answering_503(handler: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(handler)
    async def answered(*args: Any, **kwargs: Any) -> Any:
        try:
            return await handler(*args, **kwargs)
        except StoreUnavailableError as exc:
            return unavailable(exc)

    return answered


def inspector_routes() -> dict[str, Callable[[Request], Any]]:
    """The inspector page at ``/__mock/`` (one self-contained HTML file, nothing fetched from the network)."""

    async def page(request: Request) -> Response:
        return HTMLResponse(_PAGE, headers={"Cache-Control": "no-store"})

    async def redirect(request: Request) -> Response:
        return RedirectResponse(PREFIX + "/")

    return {PREFIX: redirect, PREFIX + "/": page}
