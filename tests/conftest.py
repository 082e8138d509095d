"""Shared factories: apps built from settings, clients with response validation on, tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.auth import mint_token
from mockserver.settings import Settings

TOKEN = mint_token(["calendar.event.read"])
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SESSION = {"x-session-token": "session", "content-type": "application/json"}
INTERVENTIONS = "/main/calendar/v2/rs/events"
EVENTS = "/events"

ClientFactory = Callable[..., TestClient]


@pytest.fixture(scope="session")
def make_client() -> Iterator[ClientFactory]:
    """Clients of apps built from ``Settings(**kwargs)`` (validate_responses on), cached per settings."""
    clients: dict[Any, TestClient] = {}

    def factory(**kwargs: Any) -> TestClient:
        settings = Settings(**{"count": 300, "validate_responses": True, **kwargs})
        key = repr(settings)
        if key not in clients:
            clients[key] = TestClient(create_app(settings))
        return clients[key]

    yield factory
    for client in clients.values():
        client.close()


@pytest.fixture(scope="session")
def client(make_client: ClientFactory) -> TestClient:
    return make_client()


def events_params(**overrides: Any) -> dict[str, Any]:
    return {"from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z", **overrides}


def interventions_params(**overrides: Any) -> dict[str, Any]:
    return {
        "scheduledStart": "2024-01-01T00:00:00Z",
        "scheduledEnd": "2026-01-01T00:00:00Z",
        "includeSites": "false",
        **overrides,
    }
