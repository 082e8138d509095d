"""How the mock says that it is the mock: a well-known route (RFC 8615) that no real deployment serves.

The contract tester holds a target that says so to the mock's own decisions as well as to the API's rules; any other
target is held to the API's rules alone.
"""

from __future__ import annotations

from typing import Any

__all__ = ["IDENTITY_PATH", "SERVER_NAME", "identity_body", "says_mock"]

IDENTITY_PATH = "/.well-known/mockserver"
SERVER_NAME = "mockserver"


def identity_body(version: str) -> dict[str, str]:
    return {"server": SERVER_NAME, "version": version}


def says_mock(body: Any) -> bool:
    """Whether the JSON body of ``GET IDENTITY_PATH`` is the mock's."""
    return isinstance(body, dict) and body.get("server") == SERVER_NAME
