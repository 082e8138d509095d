"""Auth beyond the rules' cases: why a 401 and its challenge, 403 before 400, opaque tokens, /oauth/token."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import jwt
import pytest
from starlette.testclient import TestClient

from tests.support.clients import ClientFactory
from tests.support.data import EVENTS, INTERVENTIONS, SESSION, events_params, interventions_params
from tests.support.servers import ServerProcess
from tests.support.tokens import CREDENTIALS, bearer
from tests.support.wire import abandon, exchange, status_of

# The refused rows of the credentials table tests/rules/test_mock_auth.py runs, with why each is refused.
UNAUTHORIZED = [pytest.param(c.headers, c.reason, id=c.id) for c in CREDENTIALS if c.status == 401]


@pytest.mark.parametrize("path", [EVENTS, INTERVENTIONS])
@pytest.mark.parametrize(("headers", "detail"), UNAUTHORIZED)
def test_unauthorized(client: TestClient, path: str, headers: dict[str, str], detail: str) -> None:
    # The parameters are invalid too: 401 comes first.
    sent = {**headers, **SESSION} if path == INTERVENTIONS else headers
    response = client.get(path, params={"page": "x"}, headers=sent)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]


@pytest.mark.parametrize("path", [EVENTS, INTERVENTIONS])
@pytest.mark.parametrize(("headers", "detail"), UNAUTHORIZED)
def test_unauthorized_challenge_carries_the_reason(
    client: TestClient, path: str, headers: dict[str, str], detail: str
) -> None:
    sent = {**headers, **SESSION} if path == INTERVENTIONS else headers
    response = client.get(path, params={"page": "x"}, headers=sent)
    problem = response.json()["detail"]
    if problem == "No authorization token provided":  # no credentials came: nothing to say but the scheme
        assert response.headers["www-authenticate"] == "Bearer"
    else:
        error = "invalid_request" if problem == "Invalid authorization header" else "invalid_token"
        assert response.headers["www-authenticate"] == f'Bearer error="{error}", error_description="{problem}"'


def test_forbidden_comes_before_bad_request(client: TestClient) -> None:
    response = client.get(EVENTS, params={"page": "x"}, headers=bearer({"scope": "other"}))
    assert response.status_code == 403
    assert response.json()["title"] == "Forbidden"


@pytest.mark.parametrize("path", [EVENTS, INTERVENTIONS])
def test_accepted_opaque_token(make_client: ClientFactory, path: str) -> None:
    client = make_client(accepted_tokens=frozenset({"opaque-team-token"}))
    params = events_params() if path == EVENTS else interventions_params()
    headers = {"Authorization": "Bearer opaque-team-token", **(SESSION if path == INTERVENTIONS else {})}
    assert client.get(path, params=params, headers=headers).status_code == 200


def test_opaque_token_refused_unless_accepted(client: TestClient) -> None:
    headers = {"Authorization": "Bearer opaque-team-token"}
    assert client.get(EVENTS, params=events_params(), headers=headers).status_code == 401


def test_token_endpoint_issues_a_token_with_the_scopes_asked_for(client: TestClient) -> None:
    response = client.post(
        "/oauth/token",
        content="grant_type=client_credentials&scope=calendar.event.read",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["scope"] == "calendar.event.read"
    assert (
        client.get(
            EVENTS, params=events_params(), headers={"Authorization": f"Bearer {body['access_token']}"}
        ).status_code
        == 200
    )


def test_token_endpoint_refuses_other_grants(client: TestClient) -> None:
    response = client.post(
        "/oauth/token", content="grant_type=password", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert (response.status_code, response.json()["error"]) == (400, "unsupported_grant_type")


FORM = {"content-type": "application/x-www-form-urlencoded"}


def _chunks(body: bytes, size: int = 8192) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_token_endpoint_refuses_a_body_over_64_kib(client: TestClient, chunked: bool) -> None:
    body = b"grant_type=client_credentials&scope=" + b"s" * (64 * 1024)
    response = client.post("/oauth/token", content=_chunks(body) if chunked else body, headers=FORM)
    assert (response.status_code, response.headers["content-type"]) == (413, "application/problem+json")
    assert "65536 bytes" in response.json()["detail"]
    just = b"grant_type=client_credentials&scope=" + b"s" * (64 * 1024 - 36)
    assert client.post("/oauth/token", content=just, headers=FORM).status_code == 200


def test_a_client_leaving_mid_body_is_no_server_error(serve_process: Callable[..., ServerProcess]) -> None:
    server = serve_process()
    for _ in range(3):
        headers = [(b"Content-Type", FORM["content-type"].encode()), (b"Content-Length", b"60000")]
        abandon(server.port, b"/oauth/token", headers, b"POST", b"grant_type=client")
    assert status_of(exchange(server.port, b"/healthz", [])) == 200
    time.sleep(0.5)
    server.stop()
    output = server.output()
    assert "ERROR" not in output and "Traceback" not in output and " 500" not in output, output
