"""The server's answer to credentials: Connexion's 401 and 403 problems, with RFC 6750's ``WWW-Authenticate``.

``Authorization`` itself is read by ``mockserver.core.credentials`` only; this module applies an operation's
compiled ``security`` to what it found, in Connexion's order (401s, then 403).
"""

from __future__ import annotations

from collections.abc import Sequence

from connexion.exceptions import OAuthProblem, OAuthScopeProblem
from connexion.lifecycle import ConnexionRequest, ConnexionResponse

from mockserver.core.credentials import MALFORMED, NO_TOKEN, Authenticator, CredentialsError, bearer_token
from mockserver.core.openapi import Security

__all__ = ["authorize", "challenge", "unauthorized_response"]


def authorize(security: Security, authenticator: Authenticator, authorization: Sequence[str]) -> None:
    """Raise the 401 or 403 problem that ``security`` gives a request with these ``Authorization`` values."""
    if security.anonymous:
        return
    try:
        granted = authenticator.token_info(bearer_token(authorization))["scope"]
    except CredentialsError as exc:
        raise OAuthProblem(detail=exc.detail) from None
    needed = [[s for _, scopes in alternative for s in scopes] for alternative in security.alternatives]
    if not any(authenticator.validate_scope(scopes, granted) for scopes in needed):
        raise OAuthScopeProblem(
            required_scopes=list(dict.fromkeys(s for scopes in needed for s in scopes)), token_scopes=granted
        )


def challenge(detail: str | None) -> str:
    """The ``WWW-Authenticate`` value of a 401 (RFC 6750 §3): bare ``Bearer`` when no credentials came, else with
    the error code and the reason the problem's detail gives."""
    if not detail or detail == NO_TOKEN:
        return "Bearer"
    error = "invalid_request" if detail.startswith(MALFORMED) else "invalid_token"
    reason = detail.replace("\\", "\\\\").replace('"', '\\"')
    return f'Bearer error="{error}", error_description="{reason}"'


def unauthorized_response(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Connexion's 401 problem, plus the ``WWW-Authenticate`` challenge that RFC 6750 asks for."""
    response: ConnexionResponse = exc.to_problem()  # type: ignore[attr-defined]
    response.headers["WWW-Authenticate"] = challenge(getattr(exc, "detail", None))
    return response
