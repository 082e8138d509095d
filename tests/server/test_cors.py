"""CORS: on for any origin by default (preflight answered, our headers allowed and exposed), restrictable."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import AUTH, EVENTS, ClientFactory, events_params

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
