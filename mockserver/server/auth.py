"""The server's answer to credentials: Connexion's 401 and 403 problems, with RFC 6750's ``WWW-Authenticate``.

``Authorization`` itself is read by ``mockserver.core.credentials`` only; this module applies an operation's
compiled ``security`` to what it found, in Connexion's order (401s, then 403).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from connexion.exceptions import OAuthProblem, OAuthScopeProblem
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.security import BearerSecurityHandler, OAuthSecurityHandler

from mockserver.core.credentials import MALFORMED, NO_TOKEN, Authenticator, CredentialsError, bearer_token
from mockserver.core.openapi import Security

__all__ = ["Access", "challenge", "stage_owned_security", "unauthorized_response"]


@dataclass(frozen=True)
class Access:
    """An operation's ``security``, compiled for the request stage: who may call, with which scopes."""

    anonymous: bool  # a request without credentials satisfies it
    alternatives: tuple[tuple[str, ...], ...]  # per alternative, the scopes a token needs, as the spec lists them
    scoped: bool  # every alternative needs a scope (else any accepted token will do)
    needed: tuple[frozenset[str], ...]  # the alternatives as sets

    @classmethod
    def of(cls, security: Security) -> Access:
        alternatives = tuple(tuple(s for _, scopes in alt for s in scopes) for alt in security.alternatives)
        return cls(security.anonymous, alternatives, all(alternatives), tuple(map(frozenset, alternatives)))

    def check(self, authenticator: Authenticator, authorization: Sequence[str]) -> None:
        """Raise the 401 or 403 problem a request with these ``Authorization`` values gets, as Connexion would
        (``Authenticator.validate_scope`` of each alternative, with sets made once)."""
        if self.anonymous:
            return
        try:
            grant = authenticator.grant(bearer_token(authorization))
        except CredentialsError as exc:
            raise OAuthProblem(detail=exc.detail) from None
        granted = grant.granted
        if self.scoped and granted is not None and not any(needed <= granted for needed in self.needed):
            # Connexion tries the alternatives in order and reports the last one's scopes.
            raise OAuthScopeProblem(required_scopes=list(self.alternatives[-1]), token_scopes=list(grant.scopes or ()))


def stage_owned_security() -> dict[str, type]:
    """Security handlers for Connexion's stock security stage, which the request stage always answers before.

    Connexion builds a handler for every operation's schemes at start-up (and warns when it has no function);
    these resolve to one that refuses to run, since reaching it would mean a request bypassed the request stage.
    """

    def unreached(*_: Any) -> NoReturn:
        raise RuntimeError("Connexion's security stage was reached: the request stage should have answered")

    class Bearer(BearerSecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return unreached

    class OAuth(OAuthSecurityHandler):  # type: ignore[misc]
        def get_tokeninfo_func(self, security_definition: dict[str, Any]) -> Callable[..., Any]:
            return unreached

        @classmethod
        def get_scope_validate_func(cls, security_definition: dict[str, Any]) -> Callable[..., Any]:
            return unreached

    return {"bearer": Bearer, "oauth2": OAuth, "openIdConnect": OAuth}


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
