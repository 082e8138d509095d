"""The compiled operation stage answers exactly as Connexion's stock stages (plus our parameter layer) do.

Both apps serve the same data; Hypothesis builds requests from pools of valid, invalid and hostile
values for every parameter, header and credential, and each answer must match byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver.apis import table
from mockserver.core.tokens import mint_token
from mockserver.server.app import build_stores, create_app
from mockserver.server.settings import Settings
from tests.server.stock import stock_app
from tests.specs import SHIPPED, raw_operation

VALUES = [
    "",
    "1",
    "0",
    "-5",
    "+5",
    "٥",
    "1_0",
    "7",
    "250",
    "9223372036854775808",
    "9" * 30,
    "true",
    "false",
    "TRUE",
    "2024-06-01T00:00:00Z",
    "2025-06-01T00:00:00.000Z",
    "2024-02-30T00:00:00Z",
    "2016-01-01T08:00:00 08:00",
    "2016-01-01T08:00:00+08:00",
    "0000-01-01T00:00:00Z",
    "2016-12-31T23:59:60Z",
    "2024-01-01T12:34Z",
    "abc",
    "start",
    "end",
    "created_at",
    "updated_at",
    "學生",
    "活動",
    "application/json",
    "APPLICATION/JSON",
]
AUTHORIZATION = [
    None,
    "Bearer",
    "Basic dXNlcjpwYXNz",
    "Bearer garbage",
    f"Bearer {mint_token(['calendar.event.read'])}",
    f"bearer {mint_token(None)}",
    f"Bearer {mint_token(['other'])}",
    f"Bearer {mint_token(None, expires_in=-10)}",
]


@pytest.fixture(scope="module")
def apps() -> Iterator[tuple[TestClient, TestClient]]:
    config = Settings(count=200, seed=3, validate_responses=True)
    stores = build_stores(config)
    fast = TestClient(create_app(config, stores), raise_server_exceptions=False)
    stock = TestClient(stock_app(config, stores), raise_server_exceptions=False)
    with fast, stock:
        yield fast, stock


VALID = {
    "integer": ["1", "2", "3", "7", "250", "-1", "0"],
    "boolean": ["true", "false"],
    "date-time": [
        "2024-06-01T00:00:00Z",
        "2025-06-01T00:00:00.000Z",
        "2024-11-30T23:59:59.999Z",
        "2030-01-01T00:00:00Z",
    ],
}


def _valid(param: dict[str, Any]) -> list[str]:
    schema = param["schema"]
    if "enum" in schema:
        return [str(v) for v in schema["enum"]]
    kind = "date-time" if schema.get("format") == "date-time" else schema["type"]
    pool = VALID.get(kind, ["s", "學生", "活動"] if param["in"] == "query" else ["s"])
    return pool if param["name"] not in ("scheduledStart", "from") else [p.replace("2030", "2020") for p in pool]


@st.composite
def requests(draw: st.DrawFn, api: str) -> tuple[str, dict[str, str]]:
    path, op = raw_operation(api)
    pairs: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    for param in op["parameters"]:
        valid = st.lists(st.sampled_from(_valid(param)), min_size=1, max_size=1)
        junk = st.lists(st.sampled_from(VALUES), max_size=2)
        values = draw(junk if draw(st.integers(0, 11)) == 0 else valid)
        if param["in"] == "query":
            pairs += [(param["name"], v) for v in values]
        elif values and values[0].isascii():  # header values travel as latin-1
            headers[param["name"]] = values[0]
    pairs += draw(st.lists(st.tuples(st.sampled_from(["foo", "limt"]), st.sampled_from(VALUES)), max_size=1))
    authorization = draw(st.sampled_from(AUTHORIZATION[4:6]) | st.sampled_from(AUTHORIZATION))
    if authorization is not None:
        headers["Authorization"] = authorization
    query = "&".join(f"{quote(k)}={quote(v, safe=':')}" for k, v in draw(st.permutations(pairs)))
    return f"{table(api).base_path}{path}?{query}", headers


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), api=st.sampled_from(SHIPPED))
def test_fast_stage_answers_exactly_as_the_stock_stages(
    apps: tuple[TestClient, TestClient], data: st.DataObject, api: str
) -> None:
    url, headers = data.draw(requests(api))
    fast, stock = (client.get(url, headers=headers) for client in apps)
    event(f"{api} {fast.status_code}")
    assert fast.status_code < 500
    assert (fast.status_code, fast.headers.get("content-type"), fast.headers.get("www-authenticate"), fast.content) == (
        stock.status_code,
        stock.headers.get("content-type"),
        stock.headers.get("www-authenticate"),
        stock.content,
    )
