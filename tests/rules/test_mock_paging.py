"""Paging on the mock: 1-based pages, empty pages, caps, the echoed page and size, counts and findId."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.rules.served import Serve, body, event, events, intervention, interventions

# Seven of each, written out of order; in order, intervention n and event en start on 2024-06-0n.
SEVEN_INTERVENTIONS = [
    intervention(n, f"2024-06-0{n}T08:00:00.000Z", f"2024-06-0{n}T09:00:00.000Z") for n in (4, 7, 1, 3, 6, 2, 5)
]
SEVEN_EVENTS = [
    event(f"e{n}", f"2024-06-0{n}T08:00:00.000Z", f"2024-06-0{n}T09:00:00.000Z", category="學生" if n % 2 else "考試")
    for n in (4, 7, 1, 3, 6, 2, 5)
]
IN_JUNE = "scheduledStart=2024-06-01T00:00:00Z&scheduledEnd=2024-06-30T00:00:00Z&includeSites=false"
JUNE = "from=2024-06-01T00:00:00Z&to=2024-06-30T00:00:00Z"
EVERYTHING = "scheduledStart=0000-01-01T00:00:00Z&scheduledEnd=9999-12-31T23:59:59Z&includeSites=true"
ALWAYS = "from=0000-01-01T00:00:00Z&to=9999-12-31T23:59:59Z"


@pytest.fixture(scope="module")
def seven(serve: Serve) -> TestClient:
    return serve("interventions", SEVEN_INTERVENTIONS)


@pytest.fixture(scope="module")
def seven_events(serve: Serve) -> TestClient:
    return serve("events", SEVEN_EVENTS)


def _page(client: TestClient, extra: str) -> dict[str, Any]:
    return body(interventions(client, f"{IN_JUNE}&{extra}"))


def _ids(page: dict[str, Any]) -> list[Any]:
    return [item["id"] for item in (page["data"] if "data" in page else page["events"])]


# --- interventions --------------------------------------------------------------------------------------------------

ONE_BASED = [
    pytest.param("page=1&pageSize=3", [1, 2, 3], id="page-1-is-the-first"),
    pytest.param("page=2&pageSize=3", [4, 5, 6], id="page-2-follows"),
    pytest.param("page=3&pageSize=3", [7], id="page-3-is-the-rest"),
    pytest.param("pageSize=3", [1, 2, 3], id="no-page-is-page-1"),
]


@pytest.mark.parametrize(("extra", "expected"), ONE_BASED)
def test_interventions_pages_are_one_based(seven: TestClient, extra: str, expected: list[int]) -> None:
    assert _ids(_page(seven, extra)) == expected


EMPTY_PAGES = [
    pytest.param("page=0", id="page-0"),
    pytest.param("page=-1", id="page-minus-1"),
    pytest.param("page=-9007199254740991", id="page-at-the-minimum"),
    pytest.param("pageSize=0", id="size-0"),
    pytest.param("pageSize=-3", id="size-minus-3"),
    pytest.param("page=4&pageSize=3", id="past-the-end"),
    pytest.param("page=9007199254740991&pageSize=9007199254740991", id="far-past-the-end"),
]


@pytest.mark.parametrize("extra", EMPTY_PAGES)
def test_interventions_page_below_one_size_below_one_or_past_the_end_is_empty(seven: TestClient, extra: str) -> None:
    page = _page(seven, f"{extra}&includeCount=true")
    assert (page["data"], page["totalCount"]) == ([], 7)


CAPPED_SIZES = [
    pytest.param(200, id="200-is-served"),
    pytest.param(201, id="201-is-served-as-200"),
    pytest.param(9007199254740991, id="the-maximum-is-served-as-200"),
]


@pytest.mark.parametrize("size", CAPPED_SIZES)
def test_interventions_page_size_is_capped_at_200(seed7: TestClient, size: int) -> None:
    page = body(interventions(seed7, f"{EVERYTHING}&pageSize={size}"))
    assert (len(page["data"]), page["pagination"]) == (200, {"page": 1, "pageSize": 200})


def test_interventions_page_size_above_the_cap_pages_by_the_cap(seed7: TestClient) -> None:
    capped = body(interventions(seed7, f"{EVERYTHING}&page=2&pageSize=1000"))
    assert _ids(capped) == _ids(body(interventions(seed7, f"{EVERYTHING}&page=2&pageSize=200")))


ECHOES = [
    pytest.param("", {"page": 1, "pageSize": 50}, id="the-defaults"),
    pytest.param("page=3&pageSize=7", {"page": 3, "pageSize": 7}, id="the-values-given"),
    pytest.param("page=-2&pageSize=0", {"page": -2, "pageSize": 0}, id="non-positive-values"),
    pytest.param("page=9007199254740991", {"page": 9007199254740991, "pageSize": 50}, id="a-page-past-the-end"),
    pytest.param("pageSize=201", {"page": 1, "pageSize": 200}, id="the-cap-replaces-a-larger-size"),
    pytest.param("findId=5&page=9&pageSize=2", {"page": 3, "pageSize": 2}, id="a-find-id-hit-replaces-the-page"),
    pytest.param("findId=99&page=9&pageSize=2", {"page": 9, "pageSize": 2}, id="a-find-id-miss-keeps-the-page"),
]


@pytest.mark.parametrize(("extra", "expected"), ECHOES)
def test_interventions_pagination_echoes_the_page_and_size_used(
    seven: TestClient, extra: str, expected: dict[str, int]
) -> None:
    assert _page(seven, extra)["pagination"] == expected


TOTAL_COUNTS = [
    pytest.param(IN_JUNE, 7, id="first-page"),
    pytest.param(f"{IN_JUNE}&page=3&pageSize=3", 7, id="last-page"),
    pytest.param(f"{IN_JUNE}&page=10&pageSize=3", 7, id="past-the-end"),
    pytest.param(f"{IN_JUNE}&pageSize=0", 7, id="size-0"),
    pytest.param(f"{IN_JUNE}&findId=6&pageSize=1", 7, id="find-id"),
    pytest.param(
        "scheduledStart=2024-06-02T09:00:00Z&scheduledEnd=2024-06-04T08:00:00Z&includeSites=false",
        3,
        id="a-narrower-window",
    ),
]


@pytest.mark.parametrize(("query", "expected"), TOTAL_COUNTS)
def test_interventions_total_count_counts_every_page(seven: TestClient, query: str, expected: int) -> None:
    assert body(interventions(seven, f"{query}&includeCount=true"))["totalCount"] == expected


@pytest.mark.parametrize("extra", [pytest.param("", id="omitted"), pytest.param("&includeCount=false", id="false")])
def test_interventions_total_count_is_absent_unless_asked(seven: TestClient, extra: str) -> None:
    assert "totalCount" not in body(interventions(seven, f"{IN_JUNE}{extra}"))


FIND_ID_HITS = [
    pytest.param("findId=5&page=1&pageSize=2", 3, [5, 6], id="on-a-later-page"),
    pytest.param("findId=1&page=3&pageSize=2", 1, [1, 2], id="on-an-earlier-page"),
    pytest.param("findId=7&pageSize=3", 3, [7], id="on-the-last-page"),
    pytest.param("findId=4&page=-5&pageSize=3", 2, [4, 5, 6], id="instead-of-a-page-below-1"),
    pytest.param("findId=4&page=9007199254740991&pageSize=3", 2, [4, 5, 6], id="instead-of-a-page-past-the-end"),
]


@pytest.mark.parametrize(("extra", "page_number", "expected"), FIND_ID_HITS)
def test_interventions_find_id_returns_the_page_that_holds_it(
    seven: TestClient, extra: str, page_number: int, expected: list[int]
) -> None:
    page = _page(seven, extra)
    assert (page["pagination"]["page"], _ids(page)) == (page_number, expected)


FIND_ID_MISSES = [
    pytest.param(IN_JUNE.replace("06-30", "06-03"), 7, id="outside-the-window"),
    pytest.param(IN_JUNE, 99, id="no-such-id"),
]


@pytest.mark.parametrize(("query", "find_id"), FIND_ID_MISSES)
def test_interventions_find_id_outside_the_matches_keeps_the_requested_page(
    seven: TestClient, query: str, find_id: int
) -> None:
    page = body(interventions(seven, f"{query}&findId={find_id}&page=2&pageSize=1"))
    assert (page["pagination"], _ids(page)) == ({"page": 2, "pageSize": 1}, [2])


@pytest.mark.parametrize("size", [pytest.param(0, id="size-0"), pytest.param(-1, id="size-minus-1")])
def test_interventions_find_id_with_no_page_size_is_the_requested_page_empty(seven: TestClient, size: int) -> None:
    page = _page(seven, f"findId=5&page=4&pageSize={size}")
    assert (page["pagination"], page["data"]) == ({"page": 4, "pageSize": size}, [])


def test_interventions_find_id_pages_by_the_capped_size(seed7: TestClient) -> None:
    second = body(interventions(seed7, f"{EVERYTHING}&page=2&pageSize=200"))
    wanted = second["data"][49]["id"]  # the 250th match
    page = body(interventions(seed7, f"{EVERYTHING}&findId={wanted}&pageSize=1000"))
    assert (page["pagination"], _ids(page)) == ({"page": 2, "pageSize": 200}, _ids(second))


# --- events ---------------------------------------------------------------------------------------------------------


def test_events_limit_defaults_to_5_and_page_to_1(seven_events: TestClient) -> None:
    page = body(events(seven_events, JUNE))
    assert (_ids(page), page["page"], page["count"]) == (["e1", "e2", "e3", "e4", "e5"], 1, 7)


EVENT_PAGES = [
    pytest.param("page=1&limit=3", ["e1", "e2", "e3"], id="page-1-is-the-first"),
    pytest.param("page=2&limit=3", ["e4", "e5", "e6"], id="page-2-follows"),
    pytest.param("page=3&limit=3", ["e7"], id="page-3-is-the-rest"),
    pytest.param("page=4&limit=3", [], id="past-the-end"),
    pytest.param("page=9223372036854775807&limit=3", [], id="far-past-the-end"),
]


@pytest.mark.parametrize(("extra", "expected"), EVENT_PAGES)
def test_events_pages_are_one_based(seven_events: TestClient, extra: str, expected: list[str]) -> None:
    assert _ids(body(events(seven_events, f"{JUNE}&{extra}"))) == expected


EVENT_EMPTY_PAGES = [
    pytest.param("page=0", id="page-0"),
    pytest.param("page=-1", id="page-minus-1"),
    pytest.param("page=-9223372036854775807", id="page-at-the-minimum"),
    pytest.param("limit=0", id="limit-0"),
    pytest.param("limit=-1", id="limit-minus-1"),
    pytest.param("limit=-9223372036854775807", id="limit-at-the-minimum"),
]


@pytest.mark.parametrize("extra", EVENT_EMPTY_PAGES)
def test_events_page_or_limit_below_one_is_empty(seven_events: TestClient, extra: str) -> None:
    page = body(events(seven_events, f"{JUNE}&{extra}"))
    assert (page["events"], page["count"]) == ([], 7)


LIMITS = [
    pytest.param(100, id="100-is-served"),
    pytest.param(101, id="101-is-served-as-100"),
    pytest.param(9223372036854775807, id="the-maximum-is-served-as-100"),
]


@pytest.mark.parametrize("limit", LIMITS)
def test_events_limit_is_capped_at_100(seed7: TestClient, limit: int) -> None:
    assert len(body(events(seed7, f"{ALWAYS}&limit={limit}"))["events"]) == 100


def test_events_limit_above_the_cap_pages_by_the_cap(seed7: TestClient) -> None:
    capped = body(events(seed7, f"{ALWAYS}&page=3&limit=1000"))
    assert _ids(capped) == _ids(body(events(seed7, f"{ALWAYS}&page=3&limit=100")))


EVENT_COUNTS = [
    pytest.param(f"{JUNE}&limit=1", 7, id="one-per-page"),
    pytest.param(f"{JUNE}&page=3&limit=3", 7, id="last-page"),
    pytest.param(f"{JUNE}&page=8", 7, id="past-the-end"),
    pytest.param(f"{JUNE}&category=%E8%80%83%E8%A9%A6", 3, id="a-category"),
    pytest.param("from=2024-06-02T08:00:00Z&to=2024-06-04T08:00:00Z", 2, id="a-narrower-window"),
]


@pytest.mark.parametrize(("query", "expected"), EVENT_COUNTS)
def test_events_count_is_every_match_over_all_pages(seven_events: TestClient, query: str, expected: int) -> None:
    assert body(events(seven_events, query))["count"] == expected


EVENT_PAGE_ECHOES = [
    pytest.param("", 1, id="omitted-is-1"),
    pytest.param("&page=3&limit=3", 3, id="a-page"),
    pytest.param("&page=-4", -4, id="a-page-below-1"),
    pytest.param("&page=9223372036854775807", 9223372036854775807, id="a-page-past-the-end"),
]


@pytest.mark.parametrize(("extra", "expected"), EVENT_PAGE_ECHOES)
def test_events_page_echoes_the_requested_page(seven_events: TestClient, extra: str, expected: int) -> None:
    assert body(events(seven_events, f"{JUNE}{extra}"))["page"] == expected
