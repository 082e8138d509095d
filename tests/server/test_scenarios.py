"""Prefer-header scenarios through the app: each preference's effect, Preference-Applied, and 400s naming bad ones."""

from __future__ import annotations

import orjson
import pytest
from starlette.testclient import TestClient

from tests.support.clients import ClientFactory
from tests.support.data import EVENTS, INTERVENTIONS, SESSION, events_params, interventions_params
from tests.support.specs import raw_spec as load_spec
from tests.support.tokens import AUTH


def _events(client: TestClient, prefer: str, **params: str) -> tuple[int, dict[str, str], bytes]:
    response = client.get(EVENTS, params=events_params(**params), headers={**AUTH, "Prefer": prefer})
    return response.status_code, dict(response.headers), response.content


def test_code_answers_the_documented_example_of_that_status(client: TestClient) -> None:
    status, headers, body = _events(client, "code=403")
    example = load_spec("events")["paths"]["/events"]["get"]["responses"]["403"]["content"]
    assert (status, headers["content-type"]) == (403, "application/problem+json")
    assert orjson.loads(body) == example["application/problem+json"]["example"]
    assert headers["preference-applied"] == "code=403"


def test_code_401_carries_the_challenge(client: TestClient) -> None:
    status, headers, _ = _events(client, "code=401")
    assert (status, headers["www-authenticate"]) == (401, "Bearer")


def test_code_never_bypasses_auth(client: TestClient) -> None:
    response = client.get(EVENTS, params=events_params(), headers={"Prefer": "code=200"})
    assert response.status_code == 401


def test_code_200_is_the_data(client: TestClient) -> None:
    assert _events(client, "code=200")[2] == client.get(EVENTS, params=events_params(), headers=AUTH).content


def test_named_example_is_served_verbatim(client: TestClient) -> None:
    status, headers, body = _events(client, "example=document")
    example = load_spec("events")["paths"]["/events"]["get"]["responses"]["200"]["content"]["application/json"]
    assert (status, orjson.loads(body)) == (200, example["examples"]["document"]["value"])
    assert headers["preference-applied"] == "example=document"


def test_empty_dataset_matches_nothing(client: TestClient) -> None:
    status, headers, body = _events(client, "dataset=empty")
    assert (status, orjson.loads(body)) == (200, {"events": [], "count": 0, "page": 1})
    assert headers["preference-applied"] == "dataset=empty"


def test_seed_gives_another_deterministic_dataset(client: TestClient) -> None:
    first, second, plain = _events(client, "seed=42")[2], _events(client, "seed=42")[2], _events(client, "")[2]
    assert first == second and first != plain


def test_seed_dataset_is_the_dataset_a_server_with_that_seed_serves(make_client: ClientFactory) -> None:
    seeded = make_client(seed=42).get(EVENTS, params=events_params(), headers=AUTH).content
    assert _events(make_client(), "seed=42")[2] == seeded


def test_delay_is_applied_and_echoed(client: TestClient) -> None:
    status, headers, _ = _events(client, "delay=20")
    assert (status, headers["preference-applied"]) == (200, "delay=20")


def test_several_preferences_and_unknown_ones(client: TestClient) -> None:
    status, headers, _ = _events(client, 'dynamic=true, code=400; foo=bar, delay="5", respond-async')
    assert status == 400
    assert headers["preference-applied"] == "code=400, delay=5"
    assert "Prefer" in headers["vary"]


def test_first_of_a_repeated_preference_counts(client: TestClient) -> None:
    assert _events(client, "code=403, code=400")[0] == 403


def test_interventions_honour_preferences_too(client: TestClient) -> None:
    response = client.get(
        INTERVENTIONS, params=interventions_params(), headers={**AUTH, **SESSION, "Prefer": "dataset=empty"}
    )
    assert response.json() == {"data": [], "pagination": {"page": 1, "pageSize": 50}}


@pytest.mark.parametrize(
    ("prefer", "detail"),
    [
        pytest.param("code=abc", "code='abc' is not a three-digit status", id="code-not-a-number"),
        pytest.param(
            "code=418",
            "code=418 is not a status this operation documents (200, 400, 401, 403, 503)",
            id="code-undocumented",
        ),
        pytest.param("delay=-1", "delay='-1' is not milliseconds", id="negative-delay"),
        pytest.param("delay=10001", "delay=10001 is above the maximum 10000 ms", id="delay-too-long"),
        pytest.param(
            "example=nope",
            "example='nope' is not a named example of status 200 (named: document)",
            id="unknown-example",
        ),
        pytest.param("code=400, example=document", "is not a named example of status 400", id="example-of-status"),
        pytest.param("dataset=full", "dataset='full' is not a dataset", id="unknown-dataset"),
        pytest.param("seed=x", "seed='x' is not a non-negative integer", id="bad-seed"),
        pytest.param("code", "code=None", id="code-without-value"),
    ],
)
def test_malformed_preferences_are_a_400_naming_them(client: TestClient, prefer: str, detail: str) -> None:
    status, headers, body = _events(client, prefer)
    problem = orjson.loads(body)
    assert (status, headers["content-type"]) == (400, "application/problem+json")
    assert problem["detail"].startswith("Prefer: ") and detail in problem["detail"]
