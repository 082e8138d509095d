"""The strict parameter layer, through the app: what is rejected (400 naming parameter and value), what passes."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.support.data import EVENTS, INTERVENTIONS, SESSION
from tests.support.tokens import AUTH

EV = f"{EVENTS}?from=2024-06-01T00:00:00Z&to=2024-07-01T00:00:00Z"
IV = f"{INTERVENTIONS}?scheduledStart=2024-06-01T00:00:00Z&scheduledEnd=2024-07-01T00:00:00Z&includeSites=false"

REJECTED = [
    pytest.param(EV + "&page=%2B5", {}, "page='+5' is not an integer", id="plus-sign-integer"),
    pytest.param(EV + "&page=%D9%A5", {}, "is not an integer", id="arabic-indic-digit"),
    pytest.param(EV + "&page=1_0", {}, "page='1_0' is not an integer", id="underscore-integer"),
    pytest.param(EV + "&page=%205", {}, "page=' 5' is not an integer", id="space-integer"),
    pytest.param(EV + "&page=1&page=2", {}, "page is given 2 times", id="repeated"),
    pytest.param(EV + "&limit=", {}, "limit is empty", id="empty-integer"),
    pytest.param(EV + "&orderBy=", {}, "orderBy='' is not one of", id="empty-enum"),
    pytest.param(EV + "&orderBy=foo", {}, "orderBy='foo' is not one of start, end, created_at, updated_at", id="enum"),
    pytest.param(
        EV + "&limit=9223372036854775808", {}, "limit=9223372036854775808 is above the maximum", id="above-int64"
    ),
    pytest.param(
        EV + "&page=-9223372036854775808", {}, "page=-9223372036854775808 is below the minimum", id="below-int64"
    ),
    pytest.param(EV + "&page=" + "9" * 5000, {}, "has 5000 digits", id="huge-integer"),
    pytest.param(
        f"{EVENTS}?from=2024-01-01T12:34Z&to=2024-07-01T00:00:00Z",
        {},
        "from='2024-01-01T12:34Z' is not a date-time",
        id="no-seconds",
    ),
    pytest.param(
        f"{EVENTS}?from=2023-02-29T00:00:00Z&to=2024-07-01T00:00:00Z",
        {},
        "from='2023-02-29T00:00:00Z' is not a date-time",
        id="not-a-leap-year",
    ),
    pytest.param(f"{EVENTS}?from=2024-01-01T24:00:00Z&to=2024-07-01T00:00:00Z", {}, "is not a date-time", id="hour-24"),
    pytest.param(
        f"{EVENTS}?from=2024-01-01T12:30:60Z&to=2024-07-01T00:00:00Z",
        {},
        "is not a date-time",
        id="leap-second-not-at-midnight",
    ),
    pytest.param(
        f"{EVENTS}?from=%D9%A2%D9%A0%D9%A2%D9%A4-01-01T00:00:00Z&to=2024-07-01T00:00:00Z",
        {},
        "is not a date-time",
        id="non-ascii-digits",
    ),
    pytest.param(f"{EVENTS}?from=2016-01-01T08:00:00+08:00&to=2024-07-01T00:00:00Z", {}, "%2B", id="unencoded-plus"),
    pytest.param(f"{EVENTS}?to=2024-07-01T00:00:00Z", {}, "Missing query parameter 'from'", id="missing-from"),
    pytest.param(IV + "&includeCount=TRUE", SESSION, "includeCount='TRUE' is not a boolean", id="boolean-case"),
    pytest.param(IV + "&includeCount=1", SESSION, "includeCount='1' is not a boolean", id="boolean-digit"),
    pytest.param(
        IV.replace("includeSites=false", "includeSites="), SESSION, "includeSites is empty", id="empty-boolean"
    ),
    pytest.param(
        IV.replace("T00:00:00Z&sch", "T00:00:00%2B01:00&sch"),
        SESSION,
        "does not match the pattern of scheduledStart",
        id="offset-outside-pattern",
    ),
    pytest.param(
        IV.replace("&includeSites=false", ""),
        SESSION,
        "Missing query parameter 'includeSites'",
        id="missing-includeSites",
    ),
    pytest.param(
        IV, {"content-type": "application/json"}, "Missing header parameter 'x-session-token'", id="missing-session"
    ),
    pytest.param(IV, {**SESSION, "x-session-token": " "}, "x-session-token", id="blank-session"),
    pytest.param(IV, {"x-session-token": "s"}, "Missing header parameter 'content-type'", id="missing-content-type"),
    pytest.param(
        IV, {**SESSION, "content-type": "text/plain"}, "content-type='text/plain' is not one of", id="other-media-type"
    ),
    pytest.param(
        IV,
        {**SESSION, "content-type": "application/json; charset=utf-8"},
        "content-type='application/json; charset=utf-8' is not one of",
        id="media-type-parameters",
    ),
]


@pytest.mark.parametrize(("url", "headers", "detail"), REJECTED)
def test_rejected_with_a_problem_naming_the_value(
    client: TestClient, url: str, headers: dict[str, str], detail: str
) -> None:
    response = client.get(url, headers={**AUTH, **headers})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Bad Request"
    assert detail in problem["detail"]
    assert len(problem["detail"]) < 300  # a message, not a dump of the schema


ACCEPTED = [
    pytest.param(f"{EVENTS}?from=0000-01-01T00:00:00Z&to=9999-12-31T23:59:59-01:00", {}, id="extreme-years"),
    pytest.param(f"{EVENTS}?from=0001-01-01T00:00:00%2B23:59&to=9999-12-31T23:59:59-23:59", {}, id="extreme-offsets"),
    pytest.param(f"{EVENTS}?from=2016-12-31T23:59:60Z&to=2017-01-01T00:00:00.000000000001Z", {}, id="leap-second"),
    pytest.param(f"{EVENTS}?from=2016-01-01t00:00:00z&to=2017-01-01T00:00:00Z", {}, id="lowercase-t-z"),
    pytest.param(EV + "&category=", {}, id="empty-category"),
    pytest.param(EV + "&category=%E5%AD%B8%E7%94%9F", {}, id="non-ascii-category"),
    pytest.param(EV + "&limit=-9223372036854775807&page=9223372036854775807", {}, id="int64-extremes"),
    pytest.param(EV + "&unknown=1&also=2", {}, id="unknown-parameters-ignored"),
    pytest.param(IV.replace("2024-06-01T00:00:00Z", "0000-02-29T00:00:00Z"), SESSION, id="year-0000-leap-day"),
    pytest.param(
        IV + "&pageSize=9007199254740991&page=-9007199254740991&findId=9007199254740991",
        SESSION,
        id="document-extremes",
    ),
    pytest.param(IV, {**SESSION, "content-type": "Application/JSON"}, id="media-type-case"),
    pytest.param(IV, {**SESSION, "x-session-token": "not-a-jwt"}, id="session-token-is-opaque"),
]


@pytest.mark.parametrize(("url", "headers"), ACCEPTED)
def test_accepted_with_a_conforming_200(client: TestClient, url: str, headers: dict[str, str]) -> None:
    response = client.get(url, headers={**AUTH, **headers})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
