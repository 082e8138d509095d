"""Auth on the mock: which credentials get a 401, which pass, scopes and 403, and the order 401, 403, 400."""

from __future__ import annotations

import jwt
import pytest
from starlette.testclient import TestClient

from tests.rules.served import events, interventions
from tests.support.data import EVENTS, INTERVENTIONS, SESSION
from tests.support.tokens import CREDENTIALS, NOW, READ, SCOPED, SCOPES, bearer

IV_QUERY = "scheduledStart=2024-01-01T00:00:00Z&scheduledEnd=2025-01-01T00:00:00Z&includeSites=false"
EV_QUERY = "from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z"
APIS = [pytest.param("interventions", id="interventions"), pytest.param("events", id="events")]


def _get(client: TestClient, api: str, authorization: dict[str, str], query: str | None = None) -> int:
    """The status of a request with these credentials (and valid session headers on interventions)."""
    if api == "interventions":
        return interventions(client, query or IV_QUERY, {**authorization, **SESSION}).status_code
    return events(client, query or EV_QUERY, authorization).status_code


REFUSED = [pytest.param(c.headers, id=c.id) for c in CREDENTIALS if c.status == 401]


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("authorization", REFUSED)
def test_refused_credentials_get_401(seed7: TestClient, api: str, authorization: dict[str, str]) -> None:
    assert _get(seed7, api, authorization) == 401


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("authorization", REFUSED)
def test_401_says_www_authenticate_bearer(seed7: TestClient, api: str, authorization: dict[str, str]) -> None:
    path, query = (INTERVENTIONS, IV_QUERY) if api == "interventions" else (EVENTS, EV_QUERY)
    response = seed7.get(f"{path}?{query}", headers={**authorization, **SESSION})
    # "Always `Bearer`, with the reason when there is one": the scheme, then optionally its parameters.
    assert response.headers["www-authenticate"].split(" ")[0] == "Bearer"


WITH_A_REASON = [
    pytest.param(bearer({**SCOPED, "exp": NOW - 3600}), id="expired"),
    pytest.param({"Authorization": "Bearer qSdl4jeX"}, id="not-a-jwt"),
]


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("authorization", WITH_A_REASON)
def test_401_www_authenticate_carries_the_reason_when_there_is_one(
    seed7: TestClient, api: str, authorization: dict[str, str]
) -> None:
    path, query = (INTERVENTIONS, IV_QUERY) if api == "interventions" else (EVENTS, EV_QUERY)
    challenge = seed7.get(f"{path}?{query}", headers={**authorization, **SESSION}).headers["www-authenticate"]
    assert challenge.startswith("Bearer ") and challenge[len("Bearer ") :].strip()


ACCEPTED = [pytest.param(c.headers, id=c.id) for c in CREDENTIALS if c.status == 200]


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("authorization", ACCEPTED)
def test_accepted_credentials(seed7: TestClient, api: str, authorization: dict[str, str]) -> None:
    assert _get(seed7, api, authorization) == 200


# The document's own example session token: a JWT that expired in November 2020.
DOCUMENT_SESSION_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiIxMjM0NTY3ODkwIiwic2Vzc2lvbklkIjoiYWJjZGVmMTIzNDU2IiwiaWF0Ij"
    "oxNjA1MDk3ODk5LCJleHAiOjE2MDUxODQyOTl9.4XRQ1iXDyvEj5LgPZHbmTmzOZs98M3YPOzgf3MhxjaI"
)
SESSION_TOKENS = [
    pytest.param("not-a-jwt", id="not-a-jwt"),
    pytest.param("a.b.c", id="three-junk-parts"),
    pytest.param(DOCUMENT_SESSION_TOKEN, id="the-documents-expired-jwt"),
]


@pytest.mark.parametrize("session_token", SESSION_TOKENS)
def test_session_token_is_not_read_as_a_jwt(seed7: TestClient, session_token: str) -> None:
    headers = {**READ, **SESSION, "x-session-token": session_token}
    assert interventions(seed7, IV_QUERY, headers).status_code == 200


@pytest.mark.parametrize(("authorization", "status"), [pytest.param(c.headers, c.status, id=c.id) for c in SCOPES])
def test_events_scopes_come_from_scope_else_scp(seed7: TestClient, authorization: dict[str, str], status: int) -> None:
    assert events(seed7, EV_QUERY, authorization).status_code == status


ORDER = [
    pytest.param("events", {}, "page=x", 401, id="events-401-before-400"),
    pytest.param("events", bearer({**SCOPED, "exp": 0}), "page=x", 401, id="events-expired-401-before-400"),
    pytest.param("events", {"Authorization": "Bearer x"}, "page=x", 401, id="events-401-before-a-missing-scope"),
    pytest.param("events", bearer({"scope": "other"}), "page=x", 403, id="events-403-before-400"),
    pytest.param("events", READ, "page=x", 400, id="events-400-last"),
    pytest.param("interventions", {}, "page=x", 401, id="interventions-401-before-400"),
    pytest.param("interventions", READ, "page=x", 400, id="interventions-400-last"),
]


@pytest.mark.parametrize(("api", "authorization", "query", "status"), ORDER)
def test_checks_run_in_order(
    seed7: TestClient, api: str, authorization: dict[str, str], query: str, status: int
) -> None:
    assert _get(seed7, api, authorization, query) == status


HEADERS_AFTER_401 = [
    pytest.param({}, id="no-session-headers"),
    pytest.param({"x-session-token": " ", "content-type": "text/plain"}, id="invalid-session-headers"),
]


@pytest.mark.parametrize("session", HEADERS_AFTER_401)
def test_interventions_401_comes_before_the_header_400(seed7: TestClient, session: dict[str, str]) -> None:
    assert interventions(seed7, IV_QUERY, session).status_code == 401


NO_SCOPE_NEEDED = [
    pytest.param({"scope": ""}, id="empty-scope"),
    pytest.param({"scope": "calendar.event.write"}, id="another-scope"),
    pytest.param({"scp": []}, id="empty-scp"),
]


@pytest.mark.parametrize("claims", NO_SCOPE_NEEDED)
def test_interventions_mock_never_answers_403(seed7: TestClient, claims: dict[str, object]) -> None:
    assert interventions(seed7, IV_QUERY, {**bearer(claims), **SESSION}).status_code == 200


def test_interventions_mock_answers_403_when_asked(seed7: TestClient) -> None:
    headers = {**READ, **SESSION, "Prefer": "code=403"}
    response = interventions(seed7, IV_QUERY, headers)
    assert (response.status_code, response.json()["status"]) == (403, 403)


TOKEN_SCOPES = [
    pytest.param("calendar.event.read", id="read"),
    pytest.param("calendar.event.write", id="another"),
    pytest.param("openid calendar.event.read", id="two"),
]


def _issued(client: TestClient, scope: str) -> str:
    response = client.post("/oauth/token", data={"grant_type": "client_credentials", "scope": scope})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.mark.parametrize("scope", TOKEN_SCOPES)
def test_token_endpoint_issues_a_jwt_with_the_scopes_asked_for(seed7: TestClient, scope: str) -> None:
    claims = jwt.decode(_issued(seed7, scope), options={"verify_signature": False})
    assert set(claims["scope"].split()) == set(scope.split())


def test_token_endpoint_token_reads_events(seed7: TestClient) -> None:
    # What the API explorer's Authorize button does: client credentials, then the token on /events.
    token = _issued(seed7, "calendar.event.read")
    assert events(seed7, EV_QUERY, {"Authorization": f"Bearer {token}"}).status_code == 200
