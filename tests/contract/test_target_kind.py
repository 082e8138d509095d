"""Which rules a target is held to: the mock (it says so) to the API's and its own, a deployment to the API's alone."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import jwt
import orjson
import pytest
from starlette.testclient import TestClient

from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import RunResult, Verdict
from mockserver.contract.runner import run
from mockserver.core.tokens import mint_token
from mockserver.server.app import create_app
from mockserver.server.settings import Settings

Scope = MutableMapping[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]
SECRET = "a-secret-the-mock-never-sees-32-bytes-long"
EVENTS = "http://testserver"


@functools.cache
def _mock() -> Any:
    return create_app(Settings(count=300))


def _signed(scopes: str, expires_in: int = 3600) -> str:
    claims = {"sub": "qa", "scope": scopes, "exp": int(time.time()) + expires_in}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def _gateway(app: Any, *, hide_identity: bool) -> App:
    """A deployment in front of the mock: it verifies signatures, expiry and the scope, as a real API does."""

    async def refuse(send: Any, status: int, detail: str) -> None:
        body = orjson.dumps({"type": "about:blank", "title": "refused", "status": status, "detail": detail})
        headers = [(b"content-type", b"application/problem+json"), (b"www-authenticate", b"Bearer")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def gateway(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        if scope["path"].startswith("/.well-known/") and hide_identity:
            await refuse(send, 404, "no such route")
            return
        if scope["path"] == "/events":
            given = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            scheme, _, token = given.partition(" ")
            try:
                if scheme.lower() != "bearer":
                    raise jwt.InvalidTokenError("not a bearer token")
                claims = jwt.decode(token.strip(), SECRET, algorithms=["HS256"])
            except jwt.InvalidTokenError as exc:
                await refuse(send, 401, str(exc))
                return
            if "calendar.event.read" not in str(claims.get("scope", "")).split():
                await refuse(send, 403, "the token lacks calendar.event.read")
                return
            inner = f"Bearer {mint_token(['calendar.event.read'])}".encode()
            headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"] + [(b"authorization", inner)]
            scope = {**scope, "headers": headers}
        await app(scope, receive, send)

    return gateway


def _run(app: Any, **options: Any) -> RunResult:
    return run(FuzzOptions(api="events", target=EVENTS, app=app, max_examples=10, seed=1, phases=(), **options))


def test_the_mock_says_it_is_the_mock() -> None:
    answer = TestClient(_mock()).get("/.well-known/mockserver")
    assert (answer.status_code, answer.json()["server"]) == (200, "mockserver")


def test_the_mock_is_held_to_its_own_rules_without_a_flag() -> None:
    result = _run(_mock())
    assert (result.target_kind, result.not_applicable, result.failures) == ("mock", [], [])


def test_a_signature_checking_deployment_passes_with_its_own_tokens() -> None:
    result = _run(
        _gateway(_mock(), hide_identity=True),
        token=_signed("calendar.event.read"),
        unscoped_token=_signed("openid"),
        expired_token=_signed("calendar.event.read", expires_in=-60),
    )
    assert result.target_kind == "deployment"
    assert result.failures == []
    assert {c.name for c in result.not_applicable} == {"checks_in_order", "no_effect_parameters"}
    assert next(c for c in result.checks if c.name == "scope_enforced").verdict is Verdict.PASSED


def test_a_gateway_that_forwards_the_mocks_route_but_refuses_its_tokens_is_a_deployment() -> None:
    result = _run(_gateway(_mock(), hide_identity=False), token=_signed("calendar.event.read"))
    assert result.target_kind == "deployment"
    assert "refuses the mock's own tokens" in result.kind_reason


def test_a_deployment_is_held_to_verifying_signatures() -> None:
    """The mock itself, judged as a deployment: it accepts a token with another signature, which no real server may."""
    result = _run(_mock(), target_kind="deployment")
    assert any("another signature" in f.message for f in result.failures if f.check == "credentials_refused")


@pytest.mark.parametrize("kind", ["mock", "deployment"])
def test_target_kind_forces_the_rules(kind: str) -> None:
    result = _run(_gateway(_mock(), hide_identity=True), token=_signed("calendar.event.read"), target_kind=kind)
    assert result.target_kind == kind
    assert bool(result.not_applicable) is (kind == "deployment")
