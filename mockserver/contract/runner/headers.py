"""The headers every request of a run carries, and where its fresh tokens come from."""

from __future__ import annotations

from mockserver.contract.credentials.tokens import Source, command_source, oauth2_source
from mockserver.contract.options import DEFAULT_SESSION_TOKEN, FuzzOptions
from mockserver.contract.target.profile import ApiProfile
from mockserver.core.openapi import Param

__all__ = ["run_headers", "token_source"]


def _session_headers(prof: ApiProfile) -> tuple[Param, ...]:
    """Required headers of no fixed value (a session token): any non-blank value the target accepts."""
    return tuple(p for p in prof.params if p.free_header)


def run_headers(options: FuzzOptions, prof: ApiProfile, token: str) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    for param in _session_headers(prof):
        headers[param.name] = options.session_token or DEFAULT_SESSION_TOKEN
    headers.update(prof.fixed_headers())
    headers.update(dict(options.headers))
    return headers


def token_source(options: FuzzOptions) -> Source | None:
    """Where the run's fresh tokens come from: --token-command, or OAuth2 client credentials; None: a fixed token."""
    if options.token_command:
        return command_source(options.token_command)
    if options.token_url and options.client_id and options.client_secret:
        return oauth2_source(
            options.token_url, options.client_id, options.client_secret, options.scopes, options.tls_verify
        )
    return None
