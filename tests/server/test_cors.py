"""CORS: on for any origin by default (preflight answered, our headers allowed and exposed), restrictable."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from starlette.middleware.cors import CORSMiddleware
from starlette.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from mockserver.server.app import _CorsOutsideAdmin
from tests.support.clients import ClientFactory
from tests.support.data import EVENTS, events_params
from tests.support.threaded import run_in_own_loop
from tests.support.tokens import AUTH

PREFLIGHT = {
    "Origin": "http://localhost:5173",
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "authorization, x-session-token, content-type, prefer",
}


def test_preflight_from_another_origin_is_answered(client: TestClient) -> None:
    response = client.options(EVENTS, headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "x-session-token", "content-type", "prefer"} <= allowed


def test_actual_request_carries_the_cors_headers(client: TestClient) -> None:
    response = client.get(EVENTS, params=events_params(), headers={**AUTH, "Origin": "http://localhost:5173"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-expose-headers"] == "Preference-Applied, WWW-Authenticate"


def test_errors_carry_them_too(client: TestClient) -> None:
    response = client.get(EVENTS, params=events_params(), headers={"Origin": "http://localhost:5173"})
    assert (response.status_code, response.headers["access-control-allow-origin"]) == (401, "*")


def test_restricted_origins(make_client: ClientFactory) -> None:
    client = make_client(cors_origins=("http://app.local",))
    assert client.options(EVENTS, headers={**PREFLIGHT, "Origin": "http://evil.local"}).status_code == 400
    allowed = client.options(EVENTS, headers={**PREFLIGHT, "Origin": "http://app.local"})
    assert allowed.headers["access-control-allow-origin"] == "http://app.local"


# The answers a downstream app may start with: no headers key, none, a Vary already, two, mixed case, a tuple.
STARTS: list[dict[str, Any]] = [
    {"type": "http.response.start", "status": 200},
    {"type": "http.response.start", "status": 200, "headers": []},
    {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]},
    {"type": "http.response.start", "status": 400, "headers": [(b"vary", b"Prefer"), (b"x-a", b"1")]},
    {"type": "http.response.start", "status": 200, "headers": [(b"Vary", b"Accept"), (b"vary", b"Prefer")]},
    {"type": "http.response.start", "status": 200, "headers": ((b"vary", b"Prefer"),)},
]
REQUEST_HEADERS = [
    [(b"host", b"127.0.0.1")],
    [(b"host", b"127.0.0.1"), (b"origin", b"http://localhost:5173")],
    [(b"host", b"127.0.0.1"), (b"origin", b"http://evil.local"), (b"authorization", b"Bearer x")],
]


def _sent(stage_type: type[CORSMiddleware], start: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> list[Any]:
    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        await send(copy.deepcopy(start))
        await send({"type": "http.response.body", "body": b"{}"})

    sent: list[Any] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": EVENTS, "headers": headers, "query_string": b""}
    for origins in (("*",), ("http://localhost:5173",)):
        stage = stage_type(inner, allow_origins=origins, expose_headers=["Preference-Applied"])
        run_in_own_loop(lambda: stage(scope, receive, send))  # noqa: B023 (run at once)
    return sent


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("headers", REQUEST_HEADERS, ids=["no origin", "origin", "other origin"])
def test_the_apis_cors_stage_answers_as_starlettes(start: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> None:
    """Our stage's short way for requests without Origin sends exactly what Starlette's CORS stage sends."""
    assert _sent(_CorsOutsideAdmin, start, headers) == _sent(CORSMiddleware, start, headers)
