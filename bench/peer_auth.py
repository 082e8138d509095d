"""Token functions for Connexion's own `--mock=all` peer: any bearer token passes, with every scope."""

from __future__ import annotations

from typing import Any


def accept(token: str, **_: Any) -> dict[str, Any]:
    return {"sub": "bench", "scope": ["calendar.event.read"]}
