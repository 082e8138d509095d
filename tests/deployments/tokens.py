"""Signed bearer tokens (HS256 JWTs): minted for tests, verified by the deployments with PyJWT."""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from dataclasses import dataclass
from typing import Any

import jwt

__all__ = ["SCOPE", "SECRET", "Grant", "TokenError", "mint", "read_unsigned", "verify"]

SECRET = "deployments-test-secret-0123456789abcdef"  # HS256 key of every test deployment (32+ bytes)
SCOPE = "calendar.event.read"
_ALGORITHMS = ["HS256"]
_BASE64URL = re.compile("[A-Za-z0-9_-]*", re.ASCII)


class TokenError(Exception):
    """The bearer token is refused (401); the message says why."""


@dataclass(frozen=True)
class Grant:
    """What a verified token grants: its subject and scopes (None: the token names none, so every scope)."""

    subject: str
    scopes: frozenset[str] | None


def mint(
    scopes: tuple[str, ...] = (SCOPE,), *, expires_in: int = 3600, secret: str = SECRET, subject: str = "tester"
) -> str:
    """A signed token granting ``scopes`` (space-separated ``scope`` claim); ``expires_in`` < 0: already expired."""
    now = int(time.time())
    claims: dict[str, Any] = {"sub": subject, "iat": now, "exp": now + expires_in, "scope": " ".join(scopes)}
    return jwt.encode(claims, secret, algorithm="HS256")


def _scopes(claims: dict[str, Any]) -> frozenset[str] | None:
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            return frozenset(value.split())
        if isinstance(value, list):
            return frozenset(str(v) for v in value)
    return None


def verify(token: str, *, check_signature: bool = True, check_expiry: bool = True) -> Grant:
    """The grant of a valid token; TokenError naming the reason otherwise."""
    options = {"verify_signature": check_signature, "verify_exp": check_expiry, "verify_iat": False}
    try:
        claims = jwt.decode(token, SECRET, algorithms=_ALGORITHMS, options=options)  # type: ignore[arg-type]
    except jwt.ExpiredSignatureError:
        raise TokenError("the token has expired") from None
    except jwt.InvalidSignatureError:
        raise TokenError("the token's signature is not valid") from None
    except jwt.InvalidAlgorithmError:
        raise TokenError("the token is not signed with HS256") from None
    except jwt.InvalidTokenError as exc:
        raise TokenError(f"the token is not a valid JWT ({exc})") from None
    if not isinstance(claims, dict):
        raise TokenError("the token's claims are not a JSON object")
    return Grant(subject=str(claims.get("sub", "")), scopes=_scopes(claims))


def read_unsigned(token: str) -> Grant:
    """The grant of a token read as the specs say, signature unchecked: three base64url parts, the middle one a JSON
    object; a numeric ``exp`` at or before now is expired."""
    parts = token.split(".")
    if len(parts) != 3 or not all(_BASE64URL.fullmatch(part) for part in parts):
        raise TokenError("the token is not a JWT (three base64url parts)")
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        raise TokenError("the token's claims are not base64url-encoded JSON") from None
    if not isinstance(claims, dict):
        raise TokenError("the token's claims are not a JSON object")
    expiry = claims.get("exp")
    if isinstance(expiry, int | float) and not isinstance(expiry, bool) and expiry <= time.time():
        raise TokenError("the token has expired")
    return Grant(subject=str(claims.get("sub", "")), scopes=_scopes(claims))
