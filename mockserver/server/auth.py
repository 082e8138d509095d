"""Bearer tokens: who may call, with which scopes; with fastpath.py, the only code that reads ``Authorization``.

A token is a JWT whose signature is not checked (PyJWT reads it), or one of the opaque tokens the
server was told to accept. Connexion's security handlers call ``token_info``; its 401s get a
``WWW-Authenticate: Bearer`` header here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jwt
from connexion.exceptions import OAuthProblem
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.security import BearerSecurityHandler, OAuthSecurityHandler

__all__ = ["Authenticator", "challenge", "unauthorized_response"]

_DECODED_MAX = 1024
_NOT_JWT = "the bearer token is not a JWT (expected three base64url parts whose middle part is a JSON object)"


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


@dataclass(frozen=True)
class Authenticator:
    """Decides whether a bearer token is accepted and what it may do."""

    accepted_tokens: frozenset[str] = frozenset()
    clock: Callable[[], float] = field(default=time.time)
    # Decoded claims (None: not a JWT) of recent tokens; expiry is still judged on every request.
    _decoded: dict[str, dict[str, Any] | None] = field(default_factory=dict, compare=False, repr=False)

    def _claims(self, token: str) -> dict[str, Any] | None:
        if token in self._decoded:
            return self._decoded[token]
        try:
            claims: dict[str, Any] | None = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            claims = None
        if len(self._decoded) >= _DECODED_MAX:
            del self._decoded[next(iter(self._decoded))]
        self._decoded[token] = claims
        return claims

    def token_info(self, token: str) -> dict[str, Any]:
        if token in self.accepted_tokens:
            return {"sub": "opaque-token", "scope": None}
        claims = self._claims(token)
        if claims is None:
            raise OAuthProblem(detail=_NOT_JWT)
        exp = claims.get("exp")
        if isinstance(exp, int | float) and not isinstance(exp, bool) and exp <= self.clock():
            raise OAuthProblem(detail=f"the bearer token expired at {_when(exp)}")
        return {"sub": claims.get("sub"), "scope": _scopes(claims)}

    @staticmethod
    def validate_scope(required: Sequence[str], granted: list[str] | None) -> bool:
        return granted is None or set(required) <= set(granted)

    def security_map(self) -> dict[str, type]:
        """Connexion security handlers bound to this authenticator (no function names in the specs)."""
        info, validate = self.token_info, self.validate_scope

        class Bearer(BearerSecurityHandler):  # type: ignore[misc]
            def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
                return info

        class OAuth(OAuthSecurityHandler):  # type: ignore[misc]
            def get_tokeninfo_func(self, security_definition: dict[str, Any]) -> Callable[..., Any]:
                return info

            @classmethod
            def get_scope_validate_func(cls, security_definition: dict[str, Any]) -> Callable[..., Any]:
                return validate

        return {"bearer": Bearer, "oauth2": OAuth}


def _when(exp: float) -> str:
    try:
        return datetime.fromtimestamp(exp, UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, ValueError, OSError):
        return str(exp)


_NO_TOKEN = "No authorization token provided"
_MALFORMED = ("Invalid authorization header", "Authorization is given")


def challenge(detail: str | None) -> str:
    """The ``WWW-Authenticate`` value of a 401 (RFC 6750 §3): bare ``Bearer`` when no credentials came, else with
    the error code and the reason the problem's detail gives."""
    if not detail or detail == _NO_TOKEN:
        return "Bearer"
    error = "invalid_request" if detail.startswith(_MALFORMED) else "invalid_token"
    reason = detail.replace("\\", "\\\\").replace('"', '\\"')
    return f'Bearer error="{error}", error_description="{reason}"'


def unauthorized_response(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Connexion's 401 problem, plus the ``WWW-Authenticate`` challenge that RFC 6750 asks for."""
    response: ConnexionResponse = exc.to_problem()  # type: ignore[attr-defined]
    response.headers["WWW-Authenticate"] = challenge(getattr(exc, "detail", None))
    return response
