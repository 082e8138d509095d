"""Windows and order on the mock: which records a window matches, at its exact edges, and in which order."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.rules.served import Serve, body, event, events, intervention, interventions

# --- interventions: an overlap of [scheduledStart, scheduledEnd], both ends inclusive -------------------------------

WINDOW_INTERVENTIONS = [
    intervention(1, "2024-03-01T09:00:00.000Z", "2024-03-01T10:00:00.000Z"),
    intervention(2, "2024-03-01T10:00:00.000Z", "2024-03-01T11:00:00.000Z"),
    intervention(3, "2024-03-01T11:00:00.000Z", "2024-03-01T12:00:00.000Z"),
    intervention(4, "2024-02-01T00:00:00.000Z", "2024-04-01T00:00:00.000Z"),  # spans the three above
    intervention(5, "2016-12-31T23:00:00.000Z", "2017-01-01T00:00:00.000Z"),
    intervention(6, "0000-03-01T00:00:00.000Z", "0000-03-01T01:00:00.000Z"),
    intervention(7, "9999-12-31T22:00:00.000Z", "9999-12-31T23:59:59.999Z"),
]


@pytest.fixture(scope="module")
def windows(serve: Serve) -> TestClient:
    return serve("interventions", WINDOW_INTERVENTIONS)


def _matched(client: TestClient, start: str, end: str) -> list[int]:
    query = f"scheduledStart={start}&scheduledEnd={end}&includeSites=false&includeCount=true"
    page = body(interventions(client, query))
    assert page["totalCount"] == len(page["data"])
    return [record["id"] for record in page["data"]]


OVERLAP = [
    pytest.param("2024-03-01T10:00:00Z", "2024-03-01T11:00:00Z", [4, 1, 2, 3], id="touching-neighbours-included"),
    pytest.param("2024-03-01T10:00:00.001Z", "2024-03-01T10:59:59.999Z", [4, 2], id="a-millisecond-inside"),
    pytest.param("2024-03-01T10:30:00Z", "2024-03-01T10:30:00Z", [4, 2], id="a-point-inside-two"),
    pytest.param("2024-03-05T00:00:00Z", "2024-03-06T00:00:00Z", [4], id="inside-a-long-one"),
    pytest.param("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", [4, 1, 2, 3], id="around-them-all"),
    pytest.param("2024-04-01T00:00:00.001Z", "2025-01-01T00:00:00Z", [], id="after-them-all"),
]


@pytest.mark.parametrize(("start", "end", "expected"), OVERLAP)
def test_interventions_window_matches_an_overlap(
    windows: TestClient, start: str, end: str, expected: list[int]
) -> None:
    assert _matched(windows, start, end) == expected


START_INCLUSIVE = [
    pytest.param("2024-03-01T12:00:00Z", [4, 3], id="end-exactly-at-the-start"),
    pytest.param("2024-03-01T12:00:00.000000000000Z", [4, 3], id="end-at-the-start-with-zeros"),
    pytest.param("2024-03-01T12:00:00.001Z", [4], id="end-a-millisecond-before"),
    pytest.param("2024-03-01T12:00:00.0000000001Z", [4], id="end-a-tenth-of-a-nanosecond-before"),
]


@pytest.mark.parametrize(("start", "expected"), START_INCLUSIVE)
def test_interventions_window_start_is_inclusive(windows: TestClient, start: str, expected: list[int]) -> None:
    assert _matched(windows, start, "2024-03-01T13:00:00Z") == expected


END_INCLUSIVE = [
    pytest.param("2024-03-01T09:00:00Z", [4, 1], id="start-exactly-at-the-end"),
    pytest.param("2024-03-01T09:00:00.00000000000000000000Z", [4, 1], id="start-at-the-end-with-zeros"),
    pytest.param("2024-03-01T08:59:59.999Z", [4], id="start-a-millisecond-after"),
    pytest.param("2024-03-01T08:59:59.99999999999999999999Z", [4], id="start-a-hair-after"),
]


@pytest.mark.parametrize(("end", "expected"), END_INCLUSIVE)
def test_interventions_window_end_is_inclusive(windows: TestClient, end: str, expected: list[int]) -> None:
    assert _matched(windows, "2024-03-01T08:00:00Z", end) == expected


INVERTED = [
    pytest.param("2024-03-01T10:30:00.001Z", "2024-03-01T10:30:00Z", id="by-a-millisecond"),
    pytest.param("2024-03-01T10:30:00.0000001Z", "2024-03-01T10:30:00Z", id="by-a-tenth-of-a-microsecond"),
    pytest.param("2024-03-01T10:30:00.00000011Z", "2024-03-01T10:30:00.0000001Z", id="beyond-the-seventh-digit"),
    pytest.param("2024-04-01T00:00:00Z", "2024-02-01T00:00:00Z", id="by-two-months"),
]


@pytest.mark.parametrize(("start", "end"), INVERTED)
def test_interventions_inverted_window_matches_nothing(windows: TestClient, start: str, end: str) -> None:
    # Interventions 2 and 4 span every one of these windows: an overlap test alone would list them.
    assert _matched(windows, start, end) == []


def test_interventions_inverted_window_matches_nothing_in_generated_data(seed7: TestClient) -> None:
    # The case that was fixed: with seed 7 an intervention spans 2024-07-05T11:15:00Z.
    query = "scheduledStart=2024-07-05T11:15:00.001Z&scheduledEnd=2024-07-05T11:15:00Z&includeSites=false"
    page = body(interventions(seed7, f"{query}&includeCount=true"))
    assert (page["data"], page["totalCount"]) == ([], 0)


def test_interventions_generated_data_spans_the_inverted_window(seed7: TestClient) -> None:
    # The test above is only a test if the same instant, as a point window, does match something.
    query = "scheduledStart=2024-07-05T11:15:00Z&scheduledEnd=2024-07-05T11:15:00Z&includeSites=false"
    assert body(interventions(seed7, f"{query}&includeCount=true"))["totalCount"] > 0


BOUNDS_ACCEPTED = [
    pytest.param("0000-01-01T00:00:00Z", "0000-12-31T23:59:59Z", [6], id="year-0000"),
    pytest.param("0000-02-29T00:00:00Z", "0000-03-01T00:00:00Z", [6], id="year-0000-is-a-leap-year"),
    pytest.param("0000-03-01T01:00:00.000000000000000000001Z", "0001-01-01T00:00:00Z", [], id="year-0000-exactly"),
    pytest.param("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999999999999Z", [7], id="the-last-instants"),
    pytest.param("2017-01-01T00:00:00.00000000001Z", "2017-01-02T00:00:00Z", [], id="eleven-fractional-digits"),
]


@pytest.mark.parametrize(("start", "end", "expected"), BOUNDS_ACCEPTED)
def test_interventions_bounds_are_compared_exactly(
    windows: TestClient, start: str, end: str, expected: list[int]
) -> None:
    assert _matched(windows, start, end) == expected


BOUNDS_REJECTED = [
    pytest.param("2024-03-01T10:00Z", id="no-seconds"),
    pytest.param("%D9%A2%D9%A0%D9%A2%D9%A4-03-01T10:00:00Z", id="arabic-indic-digits"),
    pytest.param("%EF%BC%92024-03-01T10:00:00Z", id="a-fullwidth-digit"),
    pytest.param("2023-02-29T00:00:00Z", id="not-a-leap-year"),
    pytest.param("2024-03-01T10:00:00%2B01:00", id="an-offset-outside-the-pattern"),
    # The document's pattern allows seconds 00-59 only, so this leap second never reaches the RFC 3339 rule.
    pytest.param("2016-12-31T23:59:60Z", id="a-leap-second-outside-the-pattern"),
]


@pytest.mark.parametrize("start", BOUNDS_REJECTED)
def test_interventions_bounds_outside_rfc3339_and_the_pattern_are_rejected(windows: TestClient, start: str) -> None:
    response = interventions(windows, f"scheduledStart={start}&scheduledEnd=2025-01-01T00:00:00Z&includeSites=false")
    assert response.status_code == 400
    assert "scheduledStart" in response.json()["detail"]


# --- events: from <= event[orderBy] < to, compared as instants ------------------------------------------------------

# 2016-01-01T08:00:00+08:00 is 2016-01-01T00:00:00Z; the document's example events are written like this.
WINDOW_EVENTS = [
    event(
        "a",
        "2016-01-01T08:00:00.000+08:00",
        "2016-01-01T09:00:00.000+08:00",
        created_at="2015-12-01T00:00:00.000Z",
        updated_at="2015-12-02T00:00:00.000Z",
    ),
    event(
        "b",
        "2016-01-01T00:00:00.001Z",
        "2016-01-02T00:00:00.000Z",
        created_at="2015-12-01T00:00:00.001Z",
        updated_at="2015-12-02T00:00:00.000Z",
    ),
    event(
        "c",
        "2017-01-01T00:00:00.000Z",
        "2017-01-01T01:00:00.000Z",
        created_at="2016-12-01T00:00:00.000Z",
        updated_at="2016-12-01T00:00:00.000Z",
    ),
    event("d", "0000-03-01T00:00:00.000Z", "0000-03-01T01:00:00.000Z"),
]


@pytest.fixture(scope="module")
def event_windows(serve: Serve) -> TestClient:
    return serve("events", WINDOW_EVENTS)


def _listed(client: TestClient, query: str) -> list[str]:
    page = body(events(client, f"{query}&limit=100"))
    assert page["count"] == len(page["events"])
    return [item["id"] for item in page["events"]]


FROM_INCLUSIVE = [
    pytest.param("2016-01-01T08:00:00.000%2B08:00", ["a", "b"], id="at-a-start-as-written"),
    pytest.param("2016-01-01T00:00:00Z", ["a", "b"], id="at-a-start-in-utc"),
    pytest.param("2015-12-31T19:00:00-05:00", ["a", "b"], id="at-a-start-at-minus-five"),
    pytest.param("2016-01-01T00:00:00.0000001Z", ["b"], id="a-tenth-of-a-microsecond-after-a-start"),
    pytest.param("2016-01-01T00:00:00.001Z", ["b"], id="at-the-next-start"),
]


@pytest.mark.parametrize(("lower", "expected"), FROM_INCLUSIVE)
def test_events_from_is_inclusive(event_windows: TestClient, lower: str, expected: list[str]) -> None:
    assert _listed(event_windows, f"from={lower}&to=2016-06-01T00:00:00Z") == expected


TO_EXCLUSIVE = [
    pytest.param("2016-01-01T08:00:00.001%2B08:00", ["a"], id="at-a-start-as-written"),
    pytest.param("2016-01-01T00:00:00.001Z", ["a"], id="at-a-start-in-utc"),
    pytest.param("2015-12-31T19:00:00.001-05:00", ["a"], id="at-a-start-at-minus-five"),
    pytest.param("2016-01-01T00:00:00.0010000001Z", ["a", "b"], id="a-hair-after-a-start"),
    pytest.param("2016-01-01T00:00:00Z", [], id="at-the-first-start"),
]


@pytest.mark.parametrize(("upper", "expected"), TO_EXCLUSIVE)
def test_events_to_is_exclusive(event_windows: TestClient, upper: str, expected: list[str]) -> None:
    assert _listed(event_windows, f"from=2015-01-01T00:00:00Z&to={upper}") == expected


ORDER_BY_WINDOW = [
    pytest.param("start", ["a"], id="start"),
    pytest.param("end", ["a"], id="end"),  # b starts inside but ends after the window
    pytest.param("created_at", ["a", "b"], id="created_at"),
    pytest.param("updated_at", ["a", "b"], id="updated_at"),
]


@pytest.mark.parametrize(("field", "expected"), ORDER_BY_WINDOW)
def test_events_window_applies_to_the_order_by_field(
    event_windows: TestClient, field: str, expected: list[str]
) -> None:
    bounds = {
        "start": "from=2016-01-01T00:00:00Z&to=2016-01-01T00:00:00.001Z",
        "end": "from=2016-01-01T00:00:00Z&to=2016-01-01T01:00:00.001Z",
        "created_at": "from=2015-12-01T00:00:00Z&to=2015-12-01T00:00:00.002Z",
        "updated_at": "from=2015-12-02T00:00:00Z&to=2015-12-02T00:00:00.001Z",
    }[field]
    assert _listed(event_windows, f"{bounds}&orderBy={field}") == expected


EMPTY_WINDOWS = [
    pytest.param("2016-01-01T00:00:00Z", "2016-01-01T00:00:00Z", id="from-equals-to-at-a-start"),
    pytest.param("2016-01-01T08:00:00%2B08:00", "2016-01-01T00:00:00Z", id="equal-instants-in-two-offsets"),
    pytest.param("2016-01-01T00:00:00.0000001Z", "2016-01-01T00:00:00Z", id="from-a-hair-after-to"),
    pytest.param("2100-01-01T00:00:00Z", "2000-01-01T00:00:00Z", id="inverted-by-a-century"),
]


@pytest.mark.parametrize(("lower", "upper"), EMPTY_WINDOWS)
def test_events_from_at_or_after_to_matches_nothing(event_windows: TestClient, lower: str, upper: str) -> None:
    assert _listed(event_windows, f"from={lower}&to={upper}") == []


def test_events_document_example_request_does_not_list_the_example_events(serve: Serve) -> None:
    # The document's example events; its example request's exclusive `to` is exactly the first one's start.
    client = serve(
        "events",
        [
            event("a2frtf13cuaqhit9pf26lqmvr4", "2016-01-01T08:00:00.000+08:00", "2016-07-01T09:00:00.000+08:00"),
            event("bitvsriapjap4023c75d7mints", "2016-07-01T08:00:00.000+08:00", "2017-01-01T09:00:00.000+08:00"),
        ],
    )
    assert _listed(client, "from=2015-01-01T00:00:00.000Z&to=2016-01-01T00:00:00.000Z") == []


EVENT_BOUNDS_ACCEPTED = [
    pytest.param("from=2016-12-31T23:59:60Z&to=2017-01-02T00:00:00Z", ["c"], id="leap-second-from-is-the-next"),
    pytest.param("from=2015-01-01T00:00:00Z&to=2016-12-31T23:59:60Z", ["a", "b"], id="leap-second-to-is-the-next"),
    pytest.param(
        "from=2015-01-01T00:00:00Z&to=2016-12-31T23:59:60.000000001Z", ["a", "b", "c"], id="just-after-a-leap-second"
    ),
    pytest.param(
        "from=2016-12-31T23:59:59.999999999999999999Z&to=2017-01-01T00:00:00.000000000000000001Z",
        ["c"],
        id="eighteen-fractional-digits",
    ),
    pytest.param("from=0000-01-01T00:00:00Z&to=0000-12-31T23:59:59Z", ["d"], id="year-0000"),
    pytest.param(
        "from=0000-01-01T00:00:00%2B23:59&to=9999-12-31T23:59:59-01:00", ["d", "a", "b", "c"], id="the-extremes"
    ),
]


@pytest.mark.parametrize(("query", "expected"), EVENT_BOUNDS_ACCEPTED)
def test_events_bounds_are_compared_exactly(event_windows: TestClient, query: str, expected: list[str]) -> None:
    assert _listed(event_windows, query) == expected


EVENT_BOUNDS_REJECTED = [
    pytest.param("2016-01-01T00:00Z", id="no-seconds"),
    pytest.param("%D9%A2%D9%A0%D9%A1%D9%A6-01-01T00:00:00Z", id="arabic-indic-digits"),
    pytest.param("2016-01-01T00:00:00.%EF%BC%91Z", id="a-fullwidth-fraction-digit"),
    pytest.param("2015-02-29T00:00:00Z", id="not-a-leap-year"),
]


@pytest.mark.parametrize("lower", EVENT_BOUNDS_REJECTED)
def test_events_bounds_outside_rfc3339_are_rejected(event_windows: TestClient, lower: str) -> None:
    response = events(event_windows, f"from={lower}&to=2020-01-01T00:00:00Z")
    assert response.status_code == 400
    assert "from=" in response.json()["detail"]


# --- order: the order field ascending, then id ----------------------------------------------------------------------

ORDER_INTERVENTIONS = [  # written out of order; ids 9, 10 and 100 tie, and sort as numbers
    intervention(100, "2024-05-01T08:00:00.000Z", "2024-05-01T09:00:00.000Z"),
    intervention(50, "2024-05-01T08:00:00.001Z", "2024-05-01T08:30:00.000Z"),
    intervention(9, "2024-05-01T08:00:00.000Z", "2024-05-02T09:00:00.000Z"),
    intervention(1, "2024-05-01T07:59:59.999Z", "2024-05-01T10:00:00.000Z"),
    intervention(10, "2024-05-01T08:00:00.000Z", "2024-05-01T08:15:00.000Z"),
    intervention(2, "2024-05-01T08:00:00.000Z", "2024-05-01T12:00:00.000Z"),
]


def test_interventions_are_ordered_by_scheduled_start_then_id(serve: Serve) -> None:
    client = serve("interventions", ORDER_INTERVENTIONS)
    assert _matched(client, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z") == [1, 2, 9, 10, 100, 50]


# m and k start at the same instant (written at +08:00 and in UTC); m and a end together; m and z were created
# together; a and k, and m and z, were updated together.
ORDER_EVENTS = [
    event(
        "m",
        "2024-05-01T08:00:00.000+08:00",
        "2024-05-01T10:00:00.000+08:00",
        created_at="2024-04-01T00:00:00.000Z",
        updated_at="2024-04-03T00:00:00.000Z",
    ),
    event(
        "z",
        "2024-04-30T23:59:59.999Z",
        "2024-05-01T03:00:00.000Z",
        created_at="2024-04-01T08:00:00.000+08:00",
        updated_at="2024-04-03T00:00:00.000Z",
    ),
    event(
        "k",
        "2024-05-01T00:00:00.000Z",
        "2024-05-01T01:00:00.000Z",
        created_at="2024-04-02T00:00:00.000Z",
        updated_at="2024-04-02T00:00:00.000Z",
    ),
    event(
        "a",
        "2024-05-01T00:00:00.001Z",
        "2024-05-01T02:00:00.000Z",
        created_at="2024-03-31T00:00:00.000Z",
        updated_at="2024-04-02T00:00:00.000Z",
    ),
]

EVENT_ORDERS = [
    pytest.param("start", ["z", "k", "m", "a"], id="start"),
    pytest.param("end", ["k", "a", "m", "z"], id="end"),
    pytest.param("created_at", ["a", "m", "z", "k"], id="created_at"),
    pytest.param("updated_at", ["a", "k", "m", "z"], id="updated_at"),
]


@pytest.mark.parametrize(("field", "expected"), EVENT_ORDERS)
def test_events_are_ordered_by_the_order_by_field_then_id(serve: Serve, field: str, expected: list[str]) -> None:
    client = serve("events", ORDER_EVENTS)
    assert _listed(client, f"from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&orderBy={field}") == expected


def test_events_are_ordered_by_start_by_default(serve: Serve) -> None:
    client = serve("events", ORDER_EVENTS)
    assert _listed(client, "from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z") == ["z", "k", "m", "a"]
