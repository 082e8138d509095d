"""Credentials: the one reader of ``Authorization``, and which bearer tokens are accepted with which scopes.

A token is a JWT whose signature is not checked (PyJWT reads it), or one of the opaque tokens the
server was told to accept. Every refusal is a ``CredentialsError`` whose ``detail`` says why; the
server's request stage answers it with a 401 problem, the proxy logs it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import jwt

__all__ = ["MALFORMED", "NO_TOKEN", "Authenticator", "CredentialsError", "Grant", "bearer_token", "fingerprint"]

_DECODED_MAX = 1024
_NOT_JWT = "the bearer token is not a JWT (expected three base64url parts whose middle part is a JSON object)"
NO_TOKEN = "No authorization token provided"
MALFORMED = ("Invalid authorization header", "Authorization is given")


def fingerprint(secret: str) -> str:
    """A short, stable, one-way name for a credential: enough to tell two apart, useless to replay."""
    return "sha256:" + hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()[:12]


class CredentialsError(Exception):
    """Credentials that do not authenticate a request; ``detail`` says why."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def bearer_token(values: Sequence[str]) -> str:
    """The bearer token of a request's ``Authorization`` header values (RFC 6750 §2.1), or a CredentialsError."""
    if len(values) > 1:  # which one counts would be ambiguous
        raise CredentialsError(f"Authorization is given {len(values)} times; give it once")
    if not values or not values[0]:
        raise CredentialsError(NO_TOKEN)
    try:
        kind, token = values[0].split(maxsplit=1)
    except ValueError:
        raise CredentialsError("Invalid authorization header") from None
    if kind.lower() != "bearer":
        raise CredentialsError(NO_TOKEN)
    return token


def _scopes(claims: dict[str, Any]) -> list[str] | None:
    """The token's scopes from ``scope``, else ``scp``; None when it has neither (it then has every scope)."""
    for claim in ("scope", "scp"):
        if claim in claims:
            value = claims[claim]
            if isinstance(value, str):
                return value.split()
            if isinstance(value, list):
                return [s for s in value if isinstance(s, str)]
            return []
    return None


class Grant(NamedTuple):
    """What an accepted token may do: its subject, and its scopes in the token's order and as a set (both None: every
    scope); ``expires`` is its expiry (a number of seconds), judged on every request."""

    subject: Any
    scopes: tuple[str, ...] | None
    granted: frozenset[str] | None
    expires: float | None = None


_OPAQUE = Grant("opaque-token", None, None)


@dataclass(frozen=True)
class Authenticator:
    """Decides whether a bearer token is accepted and what it may do."""

    accepted_tokens: frozenset[str] = frozenset()
    clock: Callable[[], float] = field(default=time.time)
    # What recent tokens grant (None: not a JWT), decoded once; expiry is still judged on every request.
    _decoded: dict[str, Grant | None] = field(default_factory=dict, compare=False, repr=False)

    def _decode(self, token: str) -> Grant | None:
        if token in self._decoded:
            return self._decoded[token]
        try:
            claims: dict[str, Any] | None = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            claims = None
        grant = None
        if claims is not None:
            exp = claims.get("exp")
            scopes = _scopes(claims)
            grant = Grant(
                claims.get("sub"),
                None if scopes is None else tuple(scopes),
                None if scopes is None else frozenset(scopes),
                exp if isinstance(exp, int | float) and not isinstance(exp, bool) else None,
            )
        if len(self._decoded) >= _DECODED_MAX:
            del self._decoded[next(iter(self._decoded))]
        self._decoded[token] = grant
        return grant

    def grant(self, token: str) -> Grant:
        """What ``token`` may do, or a CredentialsError: not accepted (neither listed nor a JWT), or expired."""
        if token in self.accepted_tokens:
            return _OPAQUE
        grant = self._decode(token)
        if grant is None:
            raise CredentialsError(_NOT_JWT)
        if grant.expires is not None and grant.expires <= self.clock():
            raise CredentialsError(f"the bearer token expired at {_when(grant.expires)}")
        return grant

    def token_info(self, token: str) -> dict[str, Any]:
        """``grant`` as Connexion's token info: ``sub`` and ``scope`` (a list, or None for every scope)."""
        grant = self.grant(token)
        return {"sub": grant.subject, "scope": None if grant.scopes is None else list(grant.scopes)}

    @staticmethod
    def validate_scope(required: Sequence[str], granted: list[str] | None) -> bool:
        return granted is None or set(required) <= set(granted)


def _when(exp: float) -> str:
    try:
        return datetime.fromtimestamp(exp, UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, ValueError, OSError):
        return str(exp)
