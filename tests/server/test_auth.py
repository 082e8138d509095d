"""Auth beyond the rules' cases: why a 401 and its challenge, 403 before 400, opaque tokens, /oauth/token."""

from __future__ import annotations

import jwt
import pytest
from starlette.testclient import TestClient

from tests.support.clients import ClientFactory
from tests.support.data import EVENTS, INTERVENTIONS, SESSION, events_params, interventions_params
from tests.support.tokens import CREDENTIALS, bearer

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
