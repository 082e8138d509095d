"""The request journal at /__mock/requests: every request to the APIs, with an explanation that matches its answer.

Each test builds its own app (a fresh journal); oracles are the answers the client received.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from mockserver.core.tokens import mint_token
from mockserver.server.app import create_app
from mockserver.server.chaos import Chaos
from mockserver.server.settings import Settings
from tests.support.data import EVENTS, INTERVENTIONS, SESSION, events_params, interventions_params
from tests.support.shell import paste
from tests.support.tokens import AUTH, TOKEN


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(count=300)), base_url="http://localhost") as client:
        yield client


def _latest(client: TestClient, **filters: Any) -> dict[str, Any]:
    found: list[dict[str, Any]] = client.get("/__mock/requests", params={**filters, "limit": 1}).json()["requests"]
    assert found, "no entry"
    return found[0]


def test_a_served_page_is_explained_with_its_query_and_counts(client: TestClient) -> None:
    body = client.get(EVENTS, params=events_params(limit=1000, page=2, orderBy="end"), headers=AUTH).json()
    entry = _latest(client)
    why = entry["explanation"]
    assert (entry["api"], entry["status"], why["kind"]) == ("events", 200, "served")
    assert (why["matches"], why["page"]) == (body["count"], body["page"])
    assert why["query"]["size"] == 100  # the cap, not the 1000 asked for
    assert why["query"]["field"] == "end"
    assert why["query"]["bounds"] == ["end >= 2024-01-01T00:00:00.000000Z", "end < 2026-01-01T00:00:00.000000Z"]


def test_a_refusal_names_the_same_rule_as_its_body(client: TestClient) -> None:
    answer = client.get(EVENTS, params=events_params(limit="ten"), headers=AUTH)
    entry = _latest(client)
    assert answer.status_code == 400
    why = entry["explanation"]
    assert (entry["status"], why["kind"], why["rule"]) == (400, "refused", "parameter")
    assert entry["explanation"]["detail"] == answer.json()["detail"]


@pytest.mark.parametrize(
    ("headers", "status", "rule"),
    [
        ({}, 401, "auth"),
        ({"Authorization": "Bearer not-a-jwt"}, 401, "auth"),
        ({"Authorization": f"Bearer {mint_token(['other'])}"}, 403, "scope"),
        ({**AUTH, "Prefer": "code=299"}, 400, "prefer"),
    ],
    ids=["no-token", "not-a-jwt", "no-scope", "bad-prefer"],
)
def test_credentials_and_preferences_refusals_are_explained(
    client: TestClient, headers: dict[str, str], status: int, rule: str
) -> None:
    answer = client.get(EVENTS, params=events_params(), headers=headers)
    why = _latest(client)["explanation"]
    assert answer.status_code == status
    assert (why["kind"], why["rule"], why["detail"]) == ("refused", rule, answer.json()["detail"])


def test_a_missing_required_header_is_a_header_refusal(client: TestClient) -> None:
    answer = client.get(INTERVENTIONS, params=interventions_params(), headers=AUTH)
    why = _latest(client)["explanation"]
    assert (answer.status_code, why["rule"], why["detail"]) == (400, "header", answer.json()["detail"])


def test_a_request_that_found_no_api_is_recorded_with_a_hint(client: TestClient) -> None:
    client.get("/calendar/v2/rs/events", params=interventions_params(), headers={**AUTH, **SESSION})
    entry = _latest(client)
    assert (entry["api"], entry["status"], entry["explanation"]["kind"]) == (None, 404, "no-route")
    assert INTERVENTIONS in entry["explanation"]["detail"]


def test_an_inverted_window_says_it_matches_nothing(client: TestClient) -> None:
    client.get(
        EVENTS, params=events_params(**{"from": "2025-01-01T00:00:00Z", "to": "2024-01-01T00:00:00Z"}), headers=AUTH
    )
    why = _latest(client)["explanation"]
    assert (why["matches"], why["query"]["empty"]) == (0, False)  # events: from >= to simply matches nothing
    client.get(
        INTERVENTIONS,
        headers={**AUTH, **SESSION},
        params=interventions_params(scheduledStart="2025-01-01T00:00:00Z", scheduledEnd="2024-01-01T00:00:00Z"),
    )
    why = _latest(client)["explanation"]
    assert (why["matches"], why["query"]["empty"]) == (0, True)
    assert "inverted" in why["detail"]


def test_credentials_and_session_tokens_are_kept_as_fingerprints_only(client: TestClient) -> None:
    client.get(
        INTERVENTIONS,
        params=interventions_params(),
        headers={**AUTH, "x-session-token": "my-secret-session", "content-type": "application/json"},
    )
    journal = client.get("/__mock/requests").text
    assert TOKEN not in journal and "my-secret-session" not in journal
    headers = _latest(client)["headers"]
    assert headers["authorization"].startswith("Bearer sha256:")
    assert headers["x-session-token"].startswith("sha256:")


def test_a_cors_preflight_is_recorded(client: TestClient) -> None:
    client.options(
        EVENTS,
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    entry = _latest(client)
    assert (entry["method"], entry["api"], entry["status"]) == ("OPTIONS", "events", 200)


def test_the_admin_routes_health_and_docs_are_not_recorded(client: TestClient) -> None:
    client.post("/oauth/token", data={"grant_type": "client_credentials"})
    for path in ("/healthz", "/ui/", "/openapi.json", "/main/ui/", "/__mock/", "/__mock/requests"):
        client.get(path)
    assert client.get("/__mock/requests").json()["requests"] == []


def test_filters_newest_first_and_since(client: TestClient) -> None:
    client.get(EVENTS, params=events_params(), headers=AUTH)
    client.get(EVENTS, params=events_params())
    client.get(INTERVENTIONS, params=interventions_params(), headers={**AUTH, **SESSION})
    every = client.get("/__mock/requests").json()["requests"]
    assert [e["id"] for e in every] == sorted((e["id"] for e in every), reverse=True)
    listed = client.get("/__mock/requests", params={"api": "events", "status": 401}).json()["requests"]
    assert [(e["api"], e["status"]) for e in listed] == [("events", 401)]
    oldest = every[-1]["id"]
    assert len(client.get("/__mock/requests", params={"since": oldest}).json()["requests"]) == 2


def test_count_matches_filters_and_query_parameters(client: TestClient) -> None:
    for order in ("end", "end", "start"):
        client.get(EVENTS, params=events_params(orderBy=order), headers=AUTH)
    count = client.get("/__mock/requests/count", params={"api": "events", "orderBy": "end"}).json()
    assert count == {"count": 2}
    assert client.get("/__mock/requests/count", params={"status": 200, "limit": "7"}).json() == {"count": 0}


def test_clearing_keeps_ids_increasing(client: TestClient) -> None:
    client.get(EVENTS, params=events_params(), headers=AUTH)
    first = _latest(client)["id"]
    assert client.delete("/__mock/requests").status_code == 204
    assert client.get("/__mock/requests").json()["requests"] == []
    client.get(EVENTS, params=events_params(), headers=AUTH)
    assert _latest(client)["id"] == first + 1


def test_one_entry_by_id_and_an_unknown_id(client: TestClient) -> None:
    client.get(EVENTS, params=events_params(), headers=AUTH)
    entry = _latest(client)
    one = client.get(f"/__mock/requests/{entry['id']}").json()
    assert {k: v for k, v in one.items() if k != "response"} == entry
    missing = client.get("/__mock/requests/99999")
    assert (missing.status_code, missing.headers["content-type"]) == (404, "application/problem+json")


def test_one_entry_carries_the_body_its_request_was_answered_with(client: TestClient) -> None:
    sent = client.get(EVENTS, params=events_params(), headers=AUTH)
    one = client.get(f"/__mock/requests/{_latest(client)['id']}").json()
    assert orjson.loads(one["response"]) == sent.json()


def test_a_scenario_s_entry_carries_the_spec_s_example_it_was_answered_with(client: TestClient) -> None:
    sent = client.get(EVENTS, params=events_params(), headers={**AUTH, "Prefer": "code=503"})
    one = client.get(f"/__mock/requests/{_latest(client)['id']}").json()
    assert (sent.status_code, orjson.loads(one["response"])) == (503, sent.json())


def test_a_refusal_s_entry_carries_no_body(client: TestClient) -> None:
    client.get(EVENTS, params=events_params())
    assert client.get(f"/__mock/requests/{_latest(client)['id']}").json()["response"] is None


def test_the_ring_keeps_the_latest_n_and_zero_turns_it_off() -> None:
    with TestClient(create_app(Settings(count=50, journal=3)), base_url="http://localhost") as client:
        for page in range(1, 6):
            client.get(EVENTS, params=events_params(page=page), headers=AUTH)
        kept = client.get("/__mock/requests").json()
        assert [e["query"]["page"] for e in kept["requests"]] == [["5"], ["4"], ["3"]]
        assert kept["capacity"] == 3
    with TestClient(create_app(Settings(count=50, journal=0)), base_url="http://localhost") as client:
        assert client.get(EVENTS, params=events_params(), headers=AUTH).status_code == 200
        assert client.get("/__mock/requests").json()["requests"] == []


def test_a_prefer_scenario_and_an_injected_fault_are_explained() -> None:
    with TestClient(create_app(Settings(count=50, chaos=Chaos(fault_rate=1.0))), base_url="http://localhost") as c:
        assert c.get(EVENTS, params=events_params(), headers=AUTH).status_code == 503
        entry = _latest(c)
        assert (entry["explanation"]["kind"], entry["applied"]) == ("fault", ["fault=503"])
    with TestClient(create_app(Settings(count=50)), base_url="http://localhost") as c:
        answer = c.get(EVENTS, params=events_params(), headers={**AUTH, "Prefer": "code=403"})
        entry = _latest(c)
        assert (answer.status_code, entry["explanation"]["kind"], entry["applied"]) == (403, "scenario", ["code=403"])


def test_chaos_works_with_the_journal_off() -> None:
    settings = Settings(count=50, journal=0, chaos=Chaos(fault_rate=1.0))
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        assert client.get(EVENTS, params=events_params(), headers=AUTH).status_code == 503
        assert client.get("/healthz").status_code == 200


def test_a_found_id_and_a_category_are_explained_as_understood(client: TestClient) -> None:
    listed = client.get(INTERVENTIONS, headers={**AUTH, **SESSION}, params=interventions_params(pageSize=5)).json()
    wanted = listed["data"][-1]["id"]  # on page 1 of size 5, so findId must serve page 1 whatever page is asked
    body = client.get(
        INTERVENTIONS, headers={**AUTH, **SESSION}, params=interventions_params(pageSize=5, page=3, findId=wanted)
    ).json()
    why = _latest(client)["explanation"]
    assert (why["query"]["findId"], why["query"]["page"], body["pagination"]["page"]) == (wanted, 1, 1)
    client.get(EVENTS, params=events_params(category="考試", orderBy="created_at"), headers=AUTH)
    understood = _latest(client)["explanation"]["query"]
    assert (understood["category"], understood["field"]) == ("考試", "created_at")


def test_an_entry_is_dated_by_the_wall_clock(client: TestClient) -> None:
    before = datetime.now(UTC)
    client.get(EVENTS, params=events_params(), headers=AUTH)
    after = datetime.now(UTC)
    when = datetime.fromisoformat(_latest(client)["time"].replace("Z", "+00:00"))
    assert before - timedelta(milliseconds=1) <= when <= after + timedelta(milliseconds=1)


# Pasted into single quotes unescaped, as the page once did, each would run `touch PWNED` (the second survives the
# client's percent-encoding of the space: $IFS splits the word).
PLANTED_PATHS = ["/events'$(touch PWNED)'", "/events'$(touch$IFS./PWNED)'"]
PLANTED_PREFER = "code=503'; touch PWNED; echo \"$(touch PWNED)\" `touch PWNED` '"


@pytest.mark.parametrize("path", [*PLANTED_PATHS, EVENTS], ids=["planted-path", "planted-ifs-path", "events"])
def test_an_entry_s_curl_pasted_sends_its_request_again_and_runs_nothing_else(
    client: TestClient, path: str, tmp_path: Path
) -> None:
    note = "a'b\\c $HOME é".encode()  # a UTF-8 header value: pasted, the same bytes again
    headers = {
        **{name.encode(): value.encode() for name, value in AUTH.items()},
        b"x-session-token": b"the-session",
        b"Prefer": PLANTED_PREFER.encode(),
        b"X-Note": note,
    }
    answer = client.get(path, params=events_params(), headers=headers)
    curl = _latest(client)["curl"]
    assert TOKEN not in curl and "the-session" not in curl
    assert '\'"$MOCKSERVER_TOKEN"' in curl and '\'"$MOCKSERVER_SESSION_TOKEN"' in curl
    pasted = paste(curl, tmp_path, {"MOCKSERVER_TOKEN": TOKEN, "MOCKSERVER_SESSION_TOKEN": "the-session"})
    assert not pasted.pwned
    sent = answer.request
    expected = ["-X", "GET"]
    for name, value in sent.headers.raw:
        if name.lower() not in (b"host", b"content-length", b"connection"):  # the URL's, curl's own
            expected += ["-H", f"{name.decode().lower()}: {value.decode()}"]
    assert pasted.argv == [*expected, f"http://{sent.url.netloc.decode()}{sent.url.raw_path.decode()}"]


def test_a_host_the_request_named_is_sent_as_a_header_never_followed(client: TestClient, tmp_path: Path) -> None:
    client.get(EVENTS, params=events_params(), headers={**AUTH, "Host": "attacker.example:8000"})
    pasted = paste(_latest(client)["curl"], tmp_path, {"MOCKSERVER_TOKEN": TOKEN})
    assert pasted.argv is not None
    assert "host: attacker.example:8000" in pasted.argv
    assert pasted.argv[-1].startswith("http://localhost/events?")


def test_large_values_are_cut_with_a_marker_and_the_journal_stays_small() -> None:
    megabyte = 1024 * 1024
    with TestClient(create_app(Settings(count=50)), base_url="http://localhost") as client:
        for n in range(60):
            big = {**AUTH, "x-big": "x" * megabyte + str(n)}
            assert client.get(EVENTS, params=events_params(), headers=big).status_code == 200
        long_query = events_params(limit="9" * 10_000)
        assert client.get(EVENTS, params=long_query, headers=AUTH).status_code == 400
        answer = client.get("/__mock/requests", params={"limit": 1000})
    entries = answer.json()["requests"]
    assert len(entries) == 61
    assert len(answer.content) < 400 * 1024  # 60 MB of headers sent; each cut value is shown twice (field, curl)
    shown = entries[1]["headers"]["x-big"]
    assert shown == "x" * 2048 + f"...[truncated {megabyte + 2 - 2048} bytes]"
    refused = entries[0]
    assert refused["query"]["limit"][0].endswith("bytes]")
    assert len(refused["query"]["limit"][0]) < 2100 and len(refused["explanation"]["detail"]) < 2100


def test_the_journal_is_bounded_in_bytes_the_oldest_leaving_first() -> None:
    budget = 64 * 1024
    with TestClient(create_app(Settings(count=50, journal_bytes=budget)), base_url="http://localhost") as client:
        for n in range(100):
            heavy = {**AUTH, **{f"x-h{i}": f"{n}-" + "v" * 2000 for i in range(4)}}
            assert client.get(EVENTS, params=events_params(), headers=heavy).status_code == 200
        answer = client.get("/__mock/requests", params={"limit": 1000})
    ids = [entry["id"] for entry in answer.json()["requests"]]
    assert len(answer.content) < budget
    assert ids[0] == 100 and ids == list(range(100, 100 - len(ids), -1)) and len(ids) < 100  # the latest, in order
