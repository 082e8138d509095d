"""Small datasets served in-process: record builders, the `serve` fixture's type, request helpers."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx2
from starlette.testclient import TestClient

from mockserver.core.openapi import ApiId
from tests.support.data import EVENTS, INTERVENTIONS, SESSION
from tests.support.tokens import READ

__all__ = ["Serve", "body", "event", "events", "intervention", "interventions"]

Record = dict[str, Any]
Serve = Callable[[ApiId, Sequence[Record]], TestClient]  # the `serve` fixture of tests/rules/conftest.py


def intervention(id: int, start: str, end: str, **fields: Any) -> Record:
    """A valid intervention scheduled from ``start`` to ``end``; ``fields`` override the rest."""
    return {
        "id": id,
        "status": 1,
        "type": 1,
        "description": f"intervention {id}",
        "imgSignature": None,
        "codePin": 123456,
        "autoCreated": False,
        "creationStatus": 1,
        "scheduledStart": start,
        "scheduledEnd": end,
        "actualStart": None,
        "actualEnd": None,
        "providerName": "Provider",
        "providerEmail": "provider@example.fr",
        "providerActionComment": None,
        "providerGeneralComment": None,
        "assignedCompanyContactId": None,
        "assignedUserId": None,
        "verifiedByUserId": None,
        "verifiedAt": None,
        "decisionComment": None,
        "attendeeCount": 1,
        "routineId": None,
        "organizationId": 1,
        "createdByUserId": 1,
        "archivedAt": None,
        "updatedAt": "2000-01-01T00:00:00.000Z",
        "createdAt": "2000-01-01T00:00:00.000Z",
        "eventType": 101,
        **fields,
    }


def event(id: str, start: str, end: str, **fields: Any) -> Record:
    """A valid event from ``start`` to ``end`` in category 學生; ``fields`` override the rest."""
    return {
        "id": id,
        "created_at": "2000-01-01T00:00:00.000+08:00",
        "updated_at": "2000-01-01T00:00:00.000+08:00",
        "summary": f"event {id}",
        "description": None,
        "location": None,
        "category": "學生",
        "start": start,
        "end": end,
        "link": None,
        **fields,
    }


def interventions(client: TestClient, query: str, headers: Mapping[str, str] | None = None) -> httpx2.Response:
    """``GET`` the interventions operation with ``query`` sent as written, and valid credentials unless given."""
    return client.get(f"{INTERVENTIONS}?{query}", headers={**READ, **SESSION} if headers is None else dict(headers))


def events(client: TestClient, query: str, headers: Mapping[str, str] | None = None) -> httpx2.Response:
    """``GET`` the events operation with ``query`` sent as written, and a token with the scope unless given."""
    return client.get(f"{EVENTS}?{query}", headers=READ if headers is None else dict(headers))


def body(response: httpx2.Response) -> Record:
    """The JSON body of a 200, failing with the response's text otherwise."""
    assert response.status_code == 200, response.text
    decoded: Record = json.loads(response.content)
    return decoded
