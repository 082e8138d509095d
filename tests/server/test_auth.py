"""Auth through the app: 401 with WWW-Authenticate, 403 for a missing scope, and their order before 400."""

from __future__ import annotations

import base64

import jwt
import pytest
from starlette.testclient import TestClient

from mockserver.core.tokens import mint_token
from tests.conftest import EVENTS, INTERVENTIONS, SESSION, ClientFactory, events_params, interventions_params


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(payload: bytes) -> str:
    header = _b64(b'{"alg":"none"}')
    return f"{header}.{_b64(payload)}.sig"


UNAUTHORIZED = [
    pytest.param({}, "No authorization token provided", id="missing"),
    pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, "No authorization token provided", id="other-scheme"),
    pytest.param({"Authorization": "Bearer"}, "Invalid authorization header", id="empty-token"),
    pytest.param({"Authorization": "Bearer qSdl4jeX"}, "not a JWT", id="arbitrary-string"),
    pytest.param({"Authorization": f"Bearer {_unsigned(b'[1,2]')}"}, "not a JWT", id="payload-not-an-object"),
    pytest.param({"Authorization": f"Bearer {_unsigned(b'not json')}"}, "not a JWT", id="payload-not-json"),
    pytest.param({"Authorization": "Bearer a.%%%.c"}, "not a JWT", id="broken-base64"),
    pytest.param({"Authorization": f"Bearer {mint_token(None, expires_in=0)}"}, "expired", id="exp-now"),
    pytest.param({"Authorization": f"Bearer {mint_token(None, expires_in=-3600)}"}, "expired", id="exp-past"),
]


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


def _token(claims: dict[str, object]) -> dict[str, str]:
    return {"Authorization": "Bearer " + jwt.encode(claims, "k" * 32, algorithm="HS256")}


SCOPES = [
    pytest.param({"scope": "calendar.event.read"}, 200, id="scope-string"),
    pytest.param({"scope": "openid calendar.event.read"}, 200, id="scope-among-others"),
    pytest.param({"scope": ["calendar.event.read"]}, 200, id="scope-list"),
    pytest.param({"scp": ["calendar.event.read"]}, 200, id="scp-list"),
    pytest.param({"scp": "calendar.event.read other"}, 200, id="scp-string"),
    pytest.param({}, 200, id="no-scope-claim-has-every-scope"),
    pytest.param({"exp": 4102444800}, 200, id="future-exp"),
    pytest.param({"exp": "yesterday"}, 200, id="non-numeric-exp-ignored"),
    pytest.param({"scope": "calendar.event.write"}, 403, id="other-scope"),
    pytest.param({"scope": ""}, 403, id="empty-scope"),
    pytest.param({"scope": [], "scp": ["calendar.event.read"]}, 403, id="scope-wins-over-scp"),
    pytest.param({"scp": []}, 403, id="empty-scp"),
]


@pytest.mark.parametrize(("claims", "status"), SCOPES)
def test_events_scope(client: TestClient, claims: dict[str, object], status: int) -> None:
    assert client.get(EVENTS, params=events_params(), headers=_token(claims)).status_code == status


def test_forbidden_comes_before_bad_request(client: TestClient) -> None:
    response = client.get(EVENTS, params={"page": "x"}, headers=_token({"scope": "other"}))
    assert response.status_code == 403
    assert response.json()["title"] == "Forbidden"


def test_interventions_need_no_scope(client: TestClient) -> None:
    response = client.get(INTERVENTIONS, params=interventions_params(), headers={**_token({"scope": ""}), **SESSION})
    assert response.status_code == 200


def test_bearer_scheme_name_is_case_insensitive(client: TestClient) -> None:
    headers = {"Authorization": "bEaReR " + mint_token(["calendar.event.read"])}
    assert client.get(EVENTS, params=events_params(), headers=headers).status_code == 200


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
