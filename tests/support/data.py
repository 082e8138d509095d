"""The two operations' paths, the interventions session headers, and wide query windows for each operation."""

from __future__ import annotations

from typing import Any

__all__ = ["EVENTS", "INTERVENTIONS", "SESSION", "events_params", "interventions_params"]

INTERVENTIONS = "/main/calendar/v2/rs/events"
EVENTS = "/events"
SESSION = {"x-session-token": "session", "content-type": "application/json"}


def events_params(**overrides: Any) -> dict[str, Any]:
    """A valid events query over 2024-2025; ``overrides`` add or replace parameters."""
    return {"from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z", **overrides}


def interventions_params(**overrides: Any) -> dict[str, Any]:
    """A valid interventions query over 2024-2025; ``overrides`` add or replace parameters."""
    return {
        "scheduledStart": "2024-01-01T00:00:00Z",
        "scheduledEnd": "2026-01-01T00:00:00Z",
        "includeSites": "false",
        **overrides,
    }
