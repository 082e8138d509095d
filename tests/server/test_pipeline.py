"""The compiled operation stage answers exactly as Connexion's stock stages (plus our parameter layer) do.

Both apps serve the same data; Hypothesis builds requests from pools of valid, invalid and hostile
values for every parameter, header and credential, and each answer must match byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver.server.app import build_stores, create_app
from mockserver.server.settings import Settings
from tests.server.stock import stock_app
from tests.support.specs import SHIPPED
from tests.support.strategies import requests


@pytest.fixture(scope="module")
def apps() -> Iterator[tuple[TestClient, TestClient]]:
    config = Settings(count=200, seed=3, validate_responses=True)
    stores = build_stores(config)
    fast = TestClient(create_app(config, stores), raise_server_exceptions=False)
    stock = TestClient(stock_app(config, stores), raise_server_exceptions=False)
    with fast, stock:
        yield fast, stock


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
