"""Laws of the query semantics, checked through the app against an oracle computed from the served records.

The oracle reads the rendered records (their wire strings, parsed with ``datetime.fromisoformat``) and applies the
spec's rules literally, so it shares nothing with the store's indexes nor with the package's instants. Windows are
drawn from the data's own instants (exact, or a microsecond either side), so most examples hit data, edges included.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver.server.app import build_stores, create_app
from mockserver.server.settings import Settings
from tests.support.data import EVENTS, INTERVENTIONS, SESSION
from tests.support.tokens import AUTH

LIMIT_CAP = 100  # the events spec: "`limit` is capped at **100**"
PAGE_SIZE_CAP = 200  # the interventions spec: "`pageSize` is capped at **200**"
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ORDER_FIELDS = ("start", "end", "created_at", "updated_at")
CATEGORIES = ("學生", "教職員", "行政", "活動", "考試", "假日")  # the events spec: "categories from 學生, 教職員, …"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class World:
    client: TestClient
    events: list[dict[str, Any]]
    interventions: list[dict[str, Any]]


def _micros(text: str) -> int:
    """Microseconds since the epoch of an RFC 3339 instant (the records' and the queries' have at most six digits)."""
    return (datetime.fromisoformat(text) - EPOCH) // MICROSECOND


def _instant(micros: int) -> datetime:
    return EPOCH + micros * MICROSECOND


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    config = Settings(count=250, seed=7, validate_responses=True)
    stores = build_stores(config)
    records = {
        api: [orjson.loads(store.record_json(i)) for i in range(store.columns.count)] for api, store in stores.items()
    }
    with TestClient(create_app(config, stores)) as client:
        yield World(client, records["events"], records["interventions"])


def _edge(micros: int, shift: int) -> str:
    """An instant ``shift`` µs from a data instant, written with microseconds in UTC."""
    return _instant(micros + shift).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


SHIFTS = st.sampled_from([0, 0, -1, 1, -3_600_000_000, 86_400_000_000])


@st.composite
def event_queries(draw: st.DrawFn, records: list[dict[str, Any]]) -> dict[str, Any]:
    field = draw(st.sampled_from(ORDER_FIELDS))
    a, b = draw(st.sampled_from(records)), draw(st.sampled_from(records))
    low, high = sorted([_micros(a[field]), _micros(b[field])])
    query: dict[str, Any] = {"orderBy": field, "from": _edge(low, draw(SHIFTS)), "to": _edge(high, draw(SHIFTS))}
    category = draw(st.sampled_from([None, None, *CATEGORIES]))
    if category is not None:
        query["category"] = category
    return query


def events_oracle(records: list[dict[str, Any]], query: dict[str, Any]) -> list[str]:
    field = query["orderBy"]
    low, high = _micros(query["from"]), _micros(query["to"])
    if low > high:  # an inverted window matches nothing, even an intervention spanning both bounds
        return []
    hits = [
        r for r in records if low <= _micros(r[field]) < high and query.get("category", r["category"]) == r["category"]
    ]
    return [r["id"] for r in sorted(hits, key=lambda r: (_micros(r[field]), r["id"]))]


def _events(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(EVENTS, params=params, headers=AUTH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@PROPERTY
@given(data=st.data(), limit=st.integers(1, 120))
def test_events_pages_concatenated_equal_the_oracle(world: World, data: st.DataObject, limit: int) -> None:
    query = data.draw(event_queries(world.events))
    expected = events_oracle(world.events, query)
    served, page = [], 1
    while True:
        body = _events(world.client, **query, limit=limit, page=page)
        assert body["count"] == len(expected) and body["page"] == page
        assert len(body["events"]) <= min(limit, LIMIT_CAP)
        if not body["events"]:
            break
        served += [e["id"] for e in body["events"]]
        page += 1
    assert served == expected


@PROPERTY
@given(data=st.data())
def test_events_count_is_the_number_of_matches(world: World, data: st.DataObject) -> None:
    query = data.draw(event_queries(world.events))
    assert _events(world.client, **query, limit=1)["count"] == len(events_oracle(world.events, query))


@PROPERTY
@given(page=st.integers(-(2**63) + 1, 0) | st.integers(10**6, 2**63 - 1), limit=st.integers(-(2**63) + 1, 2**63 - 1))
def test_events_pages_out_of_range_are_empty(world: World, page: int, limit: int) -> None:
    body = _events(
        world.client, **{"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}, page=page, limit=limit
    )
    assert body["events"] == [] and body["page"] == page and body["count"] == len(world.events)


def test_events_inverted_window_matches_nothing(world: World) -> None:
    body = _events(world.client, **{"from": "2100-01-01T00:00:00Z", "to": "2000-01-01T00:00:00Z"})
    assert (body["events"], body["count"]) == ([], 0)


def test_events_window_is_compared_as_instants_across_offsets(world: World) -> None:
    first = min(world.events, key=lambda r: (_micros(r["start"]), r["id"]))
    local = first["start"]  # written at +08:00
    body = _events(world.client, **{"from": local, "to": "2100-01-01T00:00:00Z"}, limit=1)
    assert body["events"][0]["id"] == first["id"]
    at_minus_5 = _instant(_micros(local) + 1000).astimezone(timezone(timedelta(hours=-5)))
    just_after = at_minus_5.isoformat(timespec="milliseconds")  # the same instant + 1 ms, at -05:00
    body = _events(world.client, **{"from": just_after, "to": "2100-01-01T00:00:00Z"}, limit=1)
    assert body["count"] == len(world.events) - 1


@st.composite
def intervention_queries(draw: st.DrawFn, records: list[dict[str, Any]]) -> dict[str, Any]:
    a, b = draw(st.sampled_from(records)), draw(st.sampled_from(records))
    low = _micros(a[draw(st.sampled_from(["scheduledStart", "scheduledEnd"]))])
    high = _micros(b[draw(st.sampled_from(["scheduledStart", "scheduledEnd"]))])
    low, high = sorted([low, high])
    return {
        "scheduledStart": _edge(low, draw(SHIFTS)),
        "scheduledEnd": _edge(high, draw(SHIFTS)),
        "includeSites": "false",
    }


def interventions_oracle(records: list[dict[str, Any]], query: dict[str, Any]) -> list[int]:
    low, high = _micros(query["scheduledStart"]), _micros(query["scheduledEnd"])
    if low > high:  # an inverted window matches nothing, even an intervention spanning both bounds
        return []
    hits = [r for r in records if _micros(r["scheduledStart"]) <= high and _micros(r["scheduledEnd"]) >= low]
    return [r["id"] for r in sorted(hits, key=lambda r: (_micros(r["scheduledStart"]), r["id"]))]


def _interventions(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(INTERVENTIONS, params=params, headers={**AUTH, **SESSION})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@PROPERTY
@given(data=st.data(), size=st.integers(1, 230))
def test_interventions_pages_concatenated_equal_the_oracle(world: World, data: st.DataObject, size: int) -> None:
    query = data.draw(intervention_queries(world.interventions))
    expected = interventions_oracle(world.interventions, query)
    served, page = [], 1
    while True:
        body = _interventions(world.client, **query, pageSize=size, page=page, includeCount="true")
        assert body["totalCount"] == len(expected)
        assert body["pagination"] == {"page": page, "pageSize": min(size, PAGE_SIZE_CAP)}
        if not body["data"]:
            break
        served += [r["id"] for r in body["data"]]
        page += 1
    assert served == expected


@PROPERTY
@given(data=st.data(), size=st.integers(1, 40))
def test_find_id_returns_the_page_that_holds_it(world: World, data: st.DataObject, size: int) -> None:
    query = data.draw(intervention_queries(world.interventions))
    expected = interventions_oracle(world.interventions, query)
    if expected:
        wanted = data.draw(st.sampled_from(expected))
        body = _interventions(world.client, **query, pageSize=size, page=1, findId=wanted)
        assert body["pagination"]["page"] == expected.index(wanted) // size + 1
        assert wanted in [r["id"] for r in body["data"]]


def test_find_id_outside_the_matches_keeps_the_requested_page(world: World) -> None:
    query = {"scheduledStart": "2000-01-01T00:00:00Z", "scheduledEnd": "2000-01-02T00:00:00Z", "includeSites": "true"}
    body = _interventions(world.client, **query, page=3, pageSize=10, findId=1)
    assert body == {"data": [], "pagination": {"page": 3, "pageSize": 10}}


def test_find_id_with_no_page_size_keeps_the_requested_page_empty(world: World) -> None:
    query = {"scheduledStart": "2000-01-01T00:00:00Z", "scheduledEnd": "2100-01-02T00:00:00Z", "includeSites": "true"}
    body = _interventions(world.client, **query, page=2, pageSize=0, findId=1)
    assert body == {"data": [], "pagination": {"page": 2, "pageSize": 0}}


def test_total_count_is_absent_unless_asked(world: World) -> None:
    query = {"scheduledStart": "2000-01-01T00:00:00Z", "scheduledEnd": "2100-01-02T00:00:00Z", "includeSites": "true"}
    assert "totalCount" not in _interventions(world.client, **query)
    assert "totalCount" not in _interventions(world.client, **query, includeCount="false")


def test_interventions_inverted_window_matches_nothing(world: World) -> None:
    query = {"scheduledStart": "2100-01-01T00:00:00Z", "scheduledEnd": "2000-01-02T00:00:00Z", "includeSites": "true"}
    assert _interventions(world.client, **query, includeCount="true")["totalCount"] == 0


def test_interventions_defaults_are_echoed(world: World) -> None:
    query = {"scheduledStart": "2000-01-01T00:00:00Z", "scheduledEnd": "2100-01-02T00:00:00Z", "includeSites": "true"}
    body = _interventions(world.client, **query)
    assert body["pagination"] == {"page": 1, "pageSize": 50} and len(body["data"]) == 50


def test_records_are_coherent(world: World) -> None:
    for r in world.interventions:
        assert _micros(r["scheduledStart"]) < _micros(r["scheduledEnd"])
        assert _micros(r["createdAt"]) <= _micros(r["updatedAt"])
        assert (r["verifiedAt"] is None) == (r["verifiedByUserId"] is None)
        assert 100000 <= r["codePin"] <= 999999
        if r["actualEnd"] is not None:
            assert r["actualStart"] is not None and _micros(r["actualStart"]) <= _micros(r["actualEnd"])
    for e in world.events:
        assert _micros(e["start"]) < _micros(e["end"]) and _micros(e["created_at"]) <= _micros(e["updated_at"])
        assert e["category"] in CATEGORIES
        assert len(e["id"]) == 26 and set(e["id"]) <= set("0123456789abcdefghijklmnopqrstuv")
        assert e["start"].endswith("+08:00")


def test_nullable_fields_are_sometimes_null_and_sometimes_not(world: World) -> None:
    for records, fields in (
        (world.interventions, ("actualStart", "verifiedAt", "archivedAt", "routineId")),
        (world.events, ("description", "location", "link")),
    ):
        for name in fields:
            nulls = sum(r[name] is None for r in records)
            assert 0 < nulls < len(records), name


def test_same_settings_give_the_same_bytes_in_another_app() -> None:
    url = f"{EVENTS}?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&limit=20&page=2&orderBy=updated_at"
    bodies = []
    for _ in range(2):
        with TestClient(create_app(Settings(count=500, seed=11))) as client:
            bodies.append(client.get(url, headers=AUTH).content)
    assert bodies[0] == bodies[1] and len(bodies[0]) > 1000


def test_other_seeds_give_other_data() -> None:
    url = f"{EVENTS}?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&limit=20"
    bodies = set()
    for seed in (1, 2):
        with TestClient(create_app(Settings(count=500, seed=seed))) as client:
            bodies.add(client.get(url, headers=AUTH).content)
    assert len(bodies) == 2
