"""Query strings and headers on the mock: strict integers and booleans, repeats, empties, unknowns, `+`, filters."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.rules.served import Serve, body, event, events, interventions
from tests.support.data import SESSION
from tests.support.tokens import READ

IV_QUERY = "scheduledStart=2024-06-01T00:00:00Z&scheduledEnd=2025-06-01T00:00:00Z&includeSites=false"
EV_QUERY = "from=2024-06-01T00:00:00Z&to=2025-06-01T00:00:00Z"
INTEGER_PARAMETERS = [
    pytest.param("events", "page", id="events-page"),
    pytest.param("events", "limit", id="events-limit"),
    pytest.param("interventions", "page", id="interventions-page"),
    pytest.param("interventions", "pageSize", id="interventions-pageSize"),
    pytest.param("interventions", "findId", id="interventions-findId"),
    pytest.param("interventions", "subPageSize", id="interventions-subPageSize"),
]


def _status(client: TestClient, api: str, extra: str) -> int:
    if api == "interventions":
        return interventions(client, f"{IV_QUERY}&{extra}").status_code
    return events(client, f"{EV_QUERY}&{extra}").status_code


NOT_INTEGERS = [
    pytest.param("%2B5", id="plus-sign"),
    pytest.param("%205", id="leading-space"),
    pytest.param("5%20", id="trailing-space"),
    pytest.param("5.0", id="decimal-point"),
    pytest.param("1e3", id="exponent"),
    pytest.param("0x10", id="hexadecimal"),
    pytest.param("1_000", id="underscore"),
    pytest.param("%D9%A5", id="arabic-indic-digit"),
    pytest.param("%EF%BC%95", id="fullwidth-digit"),
    pytest.param("five", id="a-word"),
]


@pytest.mark.parametrize(("api", "name"), INTEGER_PARAMETERS)
@pytest.mark.parametrize("value", NOT_INTEGERS)
def test_integers_are_ascii_digits_only(seed7: TestClient, api: str, name: str, value: str) -> None:
    assert _status(seed7, api, f"{name}={value}") == 400


INTEGERS = [
    pytest.param("007", 7, id="leading-zeros"),
    pytest.param("-0", 0, id="minus-zero"),
    pytest.param("-3", -3, id="negative"),
]


@pytest.mark.parametrize(("value", "echoed"), INTEGERS)
def test_integers_with_optional_minus_and_any_digits_are_accepted(seed7: TestClient, value: str, echoed: int) -> None:
    assert body(events(seed7, f"{EV_QUERY}&page={value}"))["page"] == echoed


NOT_BOOLEANS = [
    pytest.param("TRUE", id="upper-case"),
    pytest.param("True", id="capitalised"),
    pytest.param("1", id="one"),
    pytest.param("0", id="zero"),
    pytest.param("yes", id="yes"),
    pytest.param("%20true", id="leading-space"),
]


@pytest.mark.parametrize("name", ["includeCount", "includeSites"])
@pytest.mark.parametrize("value", NOT_BOOLEANS)
def test_booleans_are_true_or_false_only(seed7: TestClient, name: str, value: str) -> None:
    query = (
        IV_QUERY.replace("includeSites=false", f"includeSites={value}")
        if name == "includeSites"
        else f"{IV_QUERY}&includeCount={value}"
    )
    assert interventions(seed7, query).status_code == 400


@pytest.mark.parametrize("value", ["true", "false"])
def test_booleans_true_and_false_are_accepted(seed7: TestClient, value: str) -> None:
    assert interventions(seed7, f"{IV_QUERY}&includeCount={value}").status_code == 200


REPEATED = [
    pytest.param("events", "page=1&page=1", id="events-page-same-value"),
    pytest.param("events", "limit=5&limit=6", id="events-limit"),
    pytest.param("events", "from=2024-06-01T00:00:00Z", id="events-from"),
    pytest.param("events", "category=a&category=a", id="events-category"),
    pytest.param("events", "orderBy=end&orderBy=end", id="events-orderBy"),
    pytest.param("interventions", "includeSites=false", id="interventions-includeSites"),
    pytest.param("interventions", "page=2&page=2", id="interventions-page"),
    pytest.param("interventions", "scheduledEnd=2025-06-01T00:00:00Z", id="interventions-scheduledEnd"),
    pytest.param("interventions", "findId=1&findId=2", id="interventions-findId"),
]


@pytest.mark.parametrize(("api", "extra"), REPEATED)
def test_a_parameter_given_twice_is_rejected(seed7: TestClient, api: str, extra: str) -> None:
    assert _status(seed7, api, extra) == 400


EMPTY_EVENTS = [
    pytest.param("from=&to=2025-06-01T00:00:00Z", id="from"),
    pytest.param("from=2024-06-01T00:00:00Z&to=", id="to"),
    pytest.param(f"{EV_QUERY}&limit=", id="limit"),
    pytest.param(f"{EV_QUERY}&page=", id="page"),
    pytest.param(f"{EV_QUERY}&orderBy=", id="orderBy"),
]


@pytest.mark.parametrize("query", EMPTY_EVENTS)
def test_events_empty_typed_values_are_rejected(seed7: TestClient, query: str) -> None:
    assert events(seed7, query).status_code == 400


EMPTY_INTERVENTIONS = [
    pytest.param(IV_QUERY.replace("scheduledStart=2024-06-01T00:00:00Z", "scheduledStart="), id="scheduledStart"),
    pytest.param(IV_QUERY.replace("scheduledEnd=2025-06-01T00:00:00Z", "scheduledEnd="), id="scheduledEnd"),
    pytest.param(IV_QUERY.replace("includeSites=false", "includeSites="), id="includeSites"),
    pytest.param(f"{IV_QUERY}&includeCount=", id="includeCount"),
    pytest.param(f"{IV_QUERY}&page=", id="page"),
    pytest.param(f"{IV_QUERY}&pageSize=", id="pageSize"),
    pytest.param(f"{IV_QUERY}&findId=", id="findId"),
    pytest.param(f"{IV_QUERY}&subPageSize=", id="subPageSize"),
]


@pytest.mark.parametrize("query", EMPTY_INTERVENTIONS)
def test_interventions_empty_values_are_rejected(seed7: TestClient, query: str) -> None:
    assert interventions(seed7, query).status_code == 400


UNKNOWN = [
    pytest.param("events", "foo=1", id="events-unknown"),
    pytest.param("events", "Page=2&LIMIT=1", id="events-names-in-another-case"),
    pytest.param("events", "limits=1&categories=x", id="events-near-misses"),
    pytest.param("interventions", "foo=", id="interventions-unknown-empty"),
    pytest.param("interventions", "pagesize=1&PAGE=3", id="interventions-names-in-another-case"),
]


@pytest.mark.parametrize(("api", "extra"), UNKNOWN)
def test_unknown_parameters_are_ignored(seed7: TestClient, api: str, extra: str) -> None:
    send = interventions if api == "interventions" else events
    query = IV_QUERY if api == "interventions" else EV_QUERY
    with_unknown = send(seed7, f"{query}&{extra}")
    assert (with_unknown.status_code, with_unknown.content) == (200, send(seed7, query).content)


INT64 = [
    pytest.param("limit=9223372036854775807", 200, id="limit-at-the-maximum"),
    pytest.param("limit=9223372036854775808", 400, id="limit-above-the-maximum"),
    pytest.param("page=-9223372036854775807", 200, id="page-at-the-minimum"),
    pytest.param("page=-9223372036854775808", 400, id="page-below-the-minimum"),
    pytest.param("page=" + "9" * 5000, 400, id="page-of-5000-digits"),
]


@pytest.mark.parametrize(("extra", "status"), INT64)
def test_events_integers_are_signed_64_bit(seed7: TestClient, extra: str, status: int) -> None:
    assert events(seed7, f"{EV_QUERY}&{extra}").status_code == status


UNENCODED_PLUS = [
    pytest.param("events", "from=2016-01-01T08:00:00+08:00&to=2025-06-01T00:00:00Z", id="events-from"),
    pytest.param("events", "from=2016-01-01T00:00:00Z&to=2025-06-01T08:00:00+08:00", id="events-to"),
    pytest.param(
        "interventions",
        "scheduledStart=2024-06-01T00:00:00+01:00&scheduledEnd=2025-06-01T00:00:00Z&includeSites=false",
        id="interventions-scheduledStart",
    ),
]


@pytest.mark.parametrize(("api", "query"), UNENCODED_PLUS)
def test_an_unencoded_plus_is_rejected_with_the_percent_2b_hint(seed7: TestClient, api: str, query: str) -> None:
    response = interventions(seed7, query) if api == "interventions" else events(seed7, query)
    assert (response.status_code, "%2B" in response.json()["detail"]) == (400, True)


# --- the category filter: exact, and `+` means a space --------------------------------------------------------------

CATEGORY_EVENTS = [
    event("e1", "2024-07-01T00:00:00.000Z", "2024-07-01T01:00:00.000Z", category="學生"),
    event("e2", "2024-07-02T00:00:00.000Z", "2024-07-02T01:00:00.000Z", category="學生會"),
    event("e3", "2024-07-03T00:00:00.000Z", "2024-07-03T01:00:00.000Z", category="Exam"),
    event("e4", "2024-07-04T00:00:00.000Z", "2024-07-04T01:00:00.000Z", category="exam"),
    event("e5", "2024-07-05T00:00:00.000Z", "2024-07-05T01:00:00.000Z", category="a b"),
    event("e6", "2024-07-06T00:00:00.000Z", "2024-07-06T01:00:00.000Z", category="a+b"),
    event("e7", "2024-07-07T00:00:00.000Z", "2024-07-07T01:00:00.000Z", category="學生"),
]

CATEGORIES = [
    pytest.param("%E5%AD%B8%E7%94%9F", ["e1", "e7"], id="exact-not-a-longer-name"),
    pytest.param("%E5%AD%B8", [], id="a-prefix-matches-nothing"),
    pytest.param("Exam", ["e3"], id="case-sensitive"),
    pytest.param("xam", [], id="a-substring-matches-nothing"),
    pytest.param("a+b", ["e5"], id="plus-is-a-space"),
    pytest.param("a%2Bb", ["e6"], id="encoded-plus-is-a-plus"),
    pytest.param("", [], id="empty-matches-nothing"),
    pytest.param("%E8%80%83%E8%A9%A6", [], id="a-category-nobody-has"),
]


@pytest.mark.parametrize(("category", "expected"), CATEGORIES)
def test_events_category_is_an_exact_match(serve: Serve, category: str, expected: list[str]) -> None:
    page = body(events(serve("events", CATEGORY_EVENTS), f"{EV_QUERY}&limit=100&category={category}"))
    assert ([item["id"] for item in page["events"]], page["count"]) == (expected, len(expected))


# --- parameters without effect --------------------------------------------------------------------------------------

NO_EFFECT = [
    pytest.param("includeSites=false", "includeSites=true", id="includeSites"),
    pytest.param("includeSites=false", "includeSites=false&subPageSize=1", id="subPageSize-1"),
    pytest.param("includeSites=false", "includeSites=false&subPageSize=0", id="subPageSize-0"),
    pytest.param("includeSites=false", "includeSites=false&subPageSize=-5", id="subPageSize-negative"),
    pytest.param("includeSites=false", "includeSites=true&subPageSize=9007199254740991", id="both-at-extremes"),
]


@pytest.mark.parametrize(("plain", "varied"), NO_EFFECT)
def test_interventions_include_sites_and_sub_page_size_change_nothing(
    seed7: TestClient, plain: str, varied: str
) -> None:
    paged = "&pageSize=7&page=2&includeCount=true"
    one = interventions(seed7, IV_QUERY.replace("includeSites=false", plain) + paged)
    other = interventions(seed7, IV_QUERY.replace("includeSites=false", varied) + paged)
    assert one.status_code == 200 and len(body(one)["data"]) == 7
    assert other.content == one.content


VALIDATED = [
    pytest.param("subPageSize=x", id="subPageSize-not-an-integer"),
    pytest.param("subPageSize=9007199254740992", id="subPageSize-above-the-maximum"),
]


@pytest.mark.parametrize("extra", VALIDATED)
def test_interventions_sub_page_size_is_still_validated(seed7: TestClient, extra: str) -> None:
    assert interventions(seed7, f"{IV_QUERY}&{extra}").status_code == 400


# --- required headers (interventions) -------------------------------------------------------------------------------

HEADERS_REJECTED = [
    pytest.param({"content-type": "application/json"}, id="session-token-missing"),
    pytest.param({**SESSION, "x-session-token": ""}, id="session-token-empty"),
    pytest.param({**SESSION, "x-session-token": "   "}, id="session-token-blank"),
    pytest.param({"x-session-token": "session"}, id="content-type-missing"),
    pytest.param({**SESSION, "content-type": ""}, id="content-type-empty"),
    pytest.param({**SESSION, "content-type": "text/plain"}, id="content-type-another-type"),
    pytest.param({**SESSION, "content-type": "application/problem+json"}, id="content-type-a-json-suffix"),
    pytest.param({**SESSION, "content-type": "application/json; charset=utf-8"}, id="content-type-with-parameters"),
]


@pytest.mark.parametrize("headers", HEADERS_REJECTED)
def test_interventions_required_headers_are_enforced(seed7: TestClient, headers: dict[str, str]) -> None:
    assert interventions(seed7, IV_QUERY, {**READ, **headers}).status_code == 400


HEADERS_ACCEPTED = [
    pytest.param({**SESSION, "x-session-token": "x"}, id="session-token-one-character"),
    pytest.param({**SESSION, "content-type": "Application/JSON"}, id="content-type-mixed-case"),
    pytest.param({**SESSION, "content-type": "APPLICATION/JSON"}, id="content-type-upper-case"),
]


@pytest.mark.parametrize("headers", HEADERS_ACCEPTED)
def test_interventions_required_headers_accept_any_non_blank_token_and_json_in_any_case(
    seed7: TestClient, headers: dict[str, str]
) -> None:
    assert interventions(seed7, IV_QUERY, {**READ, **headers}).status_code == 200
