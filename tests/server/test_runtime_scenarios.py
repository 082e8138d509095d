"""Scenarios set at run time (PUT /__mock/scenario) change the next API answers, for the scope they name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.core.tokens import mint_token
from mockserver.server.app import create_app
from mockserver.server.journal import fingerprint
from mockserver.server.settings import Settings
from tests.support.data import EVENTS, INTERVENTIONS, SESSION, events_params, interventions_params
from tests.support.specs import raw_operation
from tests.support.tokens import AUTH

UNAVAILABLE = raw_operation("events")[1]["responses"]["503"]


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(count=200)), base_url="http://localhost") as client:
        yield client


def _events(client: TestClient, **headers: str) -> Any:
    return client.get(EVENTS, params=events_params(), headers={**AUTH, **headers})


def _interventions(client: TestClient, session: str = "session", token: str | None = None) -> Any:
    auth = {"Authorization": f"Bearer {token}"} if token else AUTH
    return client.get(
        INTERVENTIONS, params=interventions_params(), headers={**auth, **SESSION, "x-session-token": session}
    )


def _put(client: TestClient, **scenario: Any) -> Any:
    return client.put("/__mock/scenario", json=scenario)


def test_a_scenario_answers_the_next_requests_with_the_spec_s_example(client: TestClient) -> None:
    assert _put(client, code=503).status_code == 200
    answer = _events(client)
    assert (answer.status_code, answer.headers["preference-applied"]) == (503, "code=503")
    assert answer.json()["status"] == 503
    entry = client.get("/__mock/requests", params={"limit": 1}).json()["requests"][0]
    assert (entry["explanation"]["kind"], entry["applied"]) == ("scenario", ["code=503", "scenario"])


def test_an_api_scope_leaves_the_other_api_alone(client: TestClient) -> None:
    _put(client, code=503, api="events")
    assert (_events(client).status_code, _interventions(client).status_code) == (503, 200)


def test_times_counts_the_matching_requests_down(client: TestClient) -> None:
    _put(client, code=503, times=2)
    assert [_events(client).status_code for _ in range(3)] == [503, 503, 200]
    assert client.get("/__mock/scenario").json() == {"scenarios": []}


def test_a_session_token_scope_applies_to_that_session_only(client: TestClient) -> None:
    stored = _put(client, code=403, sessionToken="alice").json()
    assert stored["scope"]["sessionFingerprint"] == fingerprint("alice")
    assert "alice" not in client.get("/__mock/scenario").text
    assert (_interventions(client, "alice").status_code, _interventions(client, "bob").status_code) == (403, 200)


def test_a_token_scope_applies_to_that_bearer_token_only(client: TestClient) -> None:
    other = mint_token(["calendar.event.read"], subject="other")
    _put(client, code=503, tokenFingerprint=fingerprint(other))
    assert (_interventions(client, token=other).status_code, _interventions(client).status_code) == (503, 200)


def test_the_most_specific_scenario_wins_and_a_same_scope_replaces(client: TestClient) -> None:
    _put(client, code=503)
    _put(client, code=403, api="events")
    assert (_events(client).status_code, _interventions(client).status_code) == (403, 503)
    _put(client, code=400, api="events")  # the same scope: replaces the 403
    assert len(client.get("/__mock/scenario").json()["scenarios"]) == 2
    assert _events(client).status_code == 400


def test_a_prefer_header_wins_preference_by_preference(client: TestClient) -> None:
    _put(client, code=503, delay=1)
    answer = _events(client, Prefer="code=403")
    assert (answer.status_code, answer.headers["preference-applied"]) == (403, "code=403, delay=1")


def test_an_empty_dataset_scenario_is_served_with_no_matches(client: TestClient) -> None:
    _put(client, dataset="empty")
    body = _events(client).json()
    assert (body["events"], body["count"]) == ([], 0)


@pytest.mark.parametrize(
    ("scenario", "named"),
    [
        ({"code": 418}, "code=418"),
        ({"example": "nope"}, "nope"),
        ({"code": 503, "api": "nowhere"}, "nowhere"),
        ({"api": "events"}, "at least one"),
        ({"code": 503, "colour": "red"}, "colour"),
        ({"delay": 10_001}, "10000"),
    ],
    ids=["undocumented-status", "unknown-example", "unknown-api", "no-preference", "unknown-field", "long-delay"],
)
def test_an_invalid_scenario_is_a_400_naming_what_is_wrong(
    client: TestClient, scenario: dict[str, Any], named: str
) -> None:
    answer = _put(client, **scenario)
    assert (answer.status_code, answer.headers["content-type"]) == (400, "application/problem+json")
    assert named in answer.json()["detail"]
    assert client.get("/__mock/scenario").json() == {"scenarios": []}


def test_clearing_removes_every_scenario(client: TestClient) -> None:
    _put(client, code=503)
    _put(client, code=403, api="events")
    assert client.delete("/__mock/scenario").status_code == 204
    assert (_events(client).status_code, client.get("/__mock/scenario").json()) == (200, {"scenarios": []})


def test_the_example_is_the_one_the_spec_documents(client: TestClient) -> None:
    _put(client, code=503)
    answer = _events(client)
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == UNAVAILABLE["content"]["application/problem+json"]["example"]
