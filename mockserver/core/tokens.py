"""Development tokens: JWTs signed with a published key (the mock reads tokens, it never verifies them)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import jwt

__all__ = ["mint_token"]

_DEV_KEY = "mockserver-development-key-not-a-secret"


def mint_token(
    scopes: Iterable[str] | None,
    *,
    expires_in: int | None = None,
    subject: str = "developer",
    now: float | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """A development JWT (HS256 with a published key: tokens are read, never verified)."""
    claims: dict[str, Any] = {"iss": "mockserver", "sub": subject}
    if scopes is not None:
        claims["scope"] = " ".join(scopes)
    if expires_in is not None:
        claims["exp"] = int((time.time() if now is None else now) + expires_in)
    claims.update(extra or {})
    return jwt.encode(claims, _DEV_KEY, algorithm="HS256")
