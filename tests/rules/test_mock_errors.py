"""Errors on the mock: RFC 7807 problems that name what was wrong, no 5xx, and when the mock answers 503."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from starlette.testclient import TestClient

from mockserver.server.app import create_app
from mockserver.server.chaos import Chaos
from mockserver.server.settings import Settings
from tests.rules.served import events, interventions
from tests.support.data import SESSION
from tests.support.tokens import READ, bearer

IV_QUERY = "scheduledStart=2024-06-01T00:00:00Z&scheduledEnd=2025-06-01T00:00:00Z&includeSites=false"
EV_QUERY = "from=2024-06-01T00:00:00Z&to=2025-06-01T00:00:00Z"
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable"}

REJECTIONS = [
    pytest.param("events", "page=x", READ, 400, id="events-400"),
    pytest.param("events", "", {}, 401, id="events-401"),
    pytest.param("events", "", bearer({"scope": "other"}), 403, id="events-403"),
    pytest.param("interventions", "pageSize=x", {**READ, **SESSION}, 400, id="interventions-400-query"),
    pytest.param("interventions", "", READ, 400, id="interventions-400-headers"),
    pytest.param("interventions", "", SESSION, 401, id="interventions-401"),
]


def _send(client: TestClient, api: str, extra: str, headers: dict[str, str]) -> httpx2.Response:
    if api == "interventions":
        return interventions(client, f"{IV_QUERY}&{extra}", headers)
    return events(client, f"{EV_QUERY}&{extra}", headers)


@pytest.mark.parametrize(("api", "extra", "headers", "status"), REJECTIONS)
def test_rejections_are_problem_json(
    seed7: TestClient, api: str, extra: str, headers: dict[str, str], status: int
) -> None:
    response = _send(seed7, api, extra, headers)
    assert (response.status_code, response.headers["content-type"]) == (status, "application/problem+json")
    assert {"type", "title", "status", "detail"} <= set(response.json())


@pytest.mark.parametrize(("api", "extra", "headers", "status"), REJECTIONS)
def test_problem_status_is_the_http_status(
    seed7: TestClient, api: str, extra: str, headers: dict[str, str], status: int
) -> None:
    assert _send(seed7, api, extra, headers).json()["status"] == status


@pytest.mark.parametrize(("api", "extra", "headers", "status"), REJECTIONS)
def test_problem_type_is_a_uri_reference(
    seed7: TestClient, api: str, extra: str, headers: dict[str, str], status: int
) -> None:
    # RFC 7807: "about:blank" when the problem has no type of its own; any URI reference has no spaces.
    kind = _send(seed7, api, extra, headers).json()["type"]
    assert kind == "about:blank" or (kind and " " not in kind)


@pytest.mark.parametrize(("api", "extra", "headers", "status"), REJECTIONS)
def test_problem_title_summarises_the_status(
    seed7: TestClient, api: str, extra: str, headers: dict[str, str], status: int
) -> None:
    assert _send(seed7, api, extra, headers).json()["title"] == TITLES[status]


# (request, the parameter, the value received, a word of what was expected)
DETAILS = [
    pytest.param("events", "page=x", READ, "page", "'x'", "integer", id="events-integer"),
    pytest.param("events", "limit=", READ, "limit", "empty", "integer", id="events-empty"),
    pytest.param("events", "orderBy=foo", READ, "orderBy", "'foo'", "updated_at", id="events-enum"),
    pytest.param("events", "page=1&page=2", READ, "page", "'2'", "once", id="events-repeated"),
    pytest.param(
        "events",
        "limit=9223372036854775808",
        READ,
        "limit",
        "9223372036854775808",
        "9223372036854775807",
        id="events-above-the-maximum",
    ),
    pytest.param(
        "interventions",
        "includeCount=TRUE",
        {**READ, **SESSION},
        "includeCount",
        "'TRUE'",
        "true or false",
        id="interventions-boolean",
    ),
    pytest.param(
        "interventions",
        "",
        {**READ, **SESSION, "content-type": "text/plain"},
        "content-type",
        "'text/plain'",
        "application/json",
        id="interventions-media-type",
    ),
    pytest.param(
        "interventions",
        "",
        {**READ, **SESSION, "x-session-token": " "},
        "x-session-token",
        "' '",
        "non-blank",
        id="interventions-blank-session-token",
    ),
]


@pytest.mark.parametrize(("api", "extra", "headers", "name", "value", "expected"), DETAILS)
def test_bad_request_detail_names_the_parameter_the_value_and_what_was_expected(
    seed7: TestClient, api: str, extra: str, headers: dict[str, str], name: str, value: str, expected: str
) -> None:
    detail = _send(seed7, api, extra, headers).json()["detail"]
    assert (name in detail, value in detail, expected in detail) == (True, True, True), detail


def test_bad_request_detail_names_a_date_time_and_its_value(seed7: TestClient) -> None:
    detail = events(seed7, "from=2024-01-01T12:34Z&to=2025-01-01T00:00:00Z").json()["detail"]
    assert ("from='2024-01-01T12:34Z'" in detail, "date-time" in detail) == (True, True), detail


EXTREMES = [
    pytest.param("events", "from=0000-01-01T00:00:00%2B23:59&to=9999-12-31T23:59:59-23:59", id="events-widest"),
    pytest.param("events", "from=9999-12-31T23:59:59-01:00&to=9999-12-31T23:59:59-23:59", id="events-past-9999"),
    pytest.param("events", "from=0000-01-01T00:00:00Z&to=0000-01-01T00:00:00%2B00:01", id="events-before-year-0"),
    pytest.param("events", f"{EV_QUERY}&page=9223372036854775807&limit=9223372036854775807", id="events-int64-max"),
    pytest.param("events", f"{EV_QUERY}&page=-9223372036854775807&limit=-9223372036854775807", id="events-int64-min"),
    pytest.param("events", f"{EV_QUERY}&limit={'9' * 5000}", id="events-5000-digits"),
    pytest.param(
        "events", f"from=2016-01-01T00:00:00.{'9' * 10000}Z&to=2025-01-01T00:00:00Z", id="events-10000-fraction-digits"
    ),
    pytest.param("events", "from=10000-01-01T00:00:00Z&to=10001-01-01T00:00:00Z", id="events-year-10000"),
    pytest.param("events", "from=2016-01-01T00:00:00%00Z&to=2025-01-01T00:00:00Z", id="events-nul"),
    pytest.param("events", f"{EV_QUERY}&category=%FF%FE", id="events-invalid-utf8"),
    pytest.param(
        "interventions",
        f"scheduledStart=0000-01-01T00:00:00Z&scheduledEnd=9999-12-31T23:59:59.{'9' * 30}Z&includeSites=true",
        id="interventions-widest",
    ),
    pytest.param(
        "interventions",
        f"{IV_QUERY}&page=9007199254740991&pageSize=9007199254740991"
        "&findId=-9007199254740991&subPageSize=-9007199254740991",
        id="interventions-extremes",
    ),
    pytest.param(
        "interventions", f"{IV_QUERY}&page=-9007199254740991&pageSize=-9007199254740991", id="interventions-minimums"
    ),
    pytest.param("interventions", f"{IV_QUERY}&findId=9223372036854775808", id="interventions-findId-beyond-int64"),
    pytest.param("interventions", f"{IV_QUERY}&includeCount=%FF", id="interventions-invalid-utf8"),
]


@pytest.mark.parametrize(("api", "query"), EXTREMES)
def test_no_input_yields_a_5xx(seed7: TestClient, api: str, query: str) -> None:
    response = interventions(seed7, query) if api == "interventions" else events(seed7, query)
    assert response.status_code < 500, response.text


# --- 503: only with --fault 503, and with Retry-After ---------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty() -> Iterator[TestClient]:
    """``--fault 503 --fault-rate 1``: every API request is refused."""
    with TestClient(create_app(Settings(count=10, chaos=Chaos(fault_rate=1.0, fault="503")))) as client:
        yield client


@pytest.mark.parametrize("api", ["interventions", "events"])
def test_503_with_fault_503_says_retry_after_seconds(faulty: TestClient, api: str) -> None:
    response = _send(faulty, api, "", {**READ, **SESSION})
    assert (response.status_code, response.headers["retry-after"].isdigit()) == (503, True)


@pytest.mark.parametrize("api", ["interventions", "events"])
def test_503_with_fault_503_is_a_problem(faulty: TestClient, api: str) -> None:
    response = _send(faulty, api, "", {**READ, **SESSION})
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["status"], response.json()["title"]) == (503, TITLES[503])


VARIED = [
    pytest.param("interventions", "", id="interventions"),
    pytest.param("interventions", "page=2&pageSize=200&includeCount=true", id="interventions-paged"),
    pytest.param("events", "", id="events"),
    pytest.param("events", "limit=100&page=3&orderBy=updated_at", id="events-paged"),
]


@pytest.mark.parametrize(("api", "extra"), VARIED)
def test_no_503_without_fault_503(seed7: TestClient, api: str, extra: str) -> None:
    statuses = {_send(seed7, api, extra, {**READ, **SESSION}).status_code for _ in range(20)}
    assert statuses == {200}


@pytest.mark.parametrize("api", ["interventions", "events"])
def test_503_when_a_request_asks_for_it(seed7: TestClient, api: str) -> None:
    assert _send(seed7, api, "", {**READ, **SESSION, "Prefer": "code=503"}).status_code == 503


@pytest.mark.parametrize("api", ["interventions", "events"])
def test_every_503_says_retry_after(seed7: TestClient, api: str) -> None:
    response = _send(seed7, api, "", {**READ, **SESSION, "Prefer": "code=503"})
    assert (response.status_code, response.headers.get("retry-after")) == (503, "1")
