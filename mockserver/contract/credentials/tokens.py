"""The run's own bearer token, and where a fresh one comes from.

A token is renewed before its ``exp`` (a quarter of its lifetime early, at most 60 s) and when the target refuses,
with 401, a token it accepted earlier in the run. It comes from ``--token-command`` (a shell command printing it) or
from an OAuth2 token endpoint (client credentials; the secret from the environment only); a plain ``--token``
cannot be renewed. No token is ever shown whole: errors name the source, never the value.
"""

from __future__ import annotations

import base64
import binascii
import json
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

__all__ = ["Source", "TokenError", "Tokens", "command_source", "oauth2_source"]

COMMAND_TIMEOUT = 30.0  # seconds a --token-command may take
EARLY = 0.25  # renew this share of a token's lifetime before its exp
MAX_EARLY = 60.0

Source = Callable[[], str]  # a fresh token, or TokenError


class TokenError(Exception):
    """No fresh token could be had; the message says from where and why (never the token)."""


def _expiry(token: str) -> float | None:
    """The ``exp`` of a JWT, read without checking anything else; None for an opaque token or none."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None


def command_source(command: str) -> Source:
    def fetch() -> str:
        try:
            done = subprocess.run(
                command, shell=True, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise TokenError(f"--token-command did not finish within {COMMAND_TIMEOUT:g} s") from None
        token = done.stdout.strip()
        if done.returncode != 0 or not token or len(token.split()) != 1:
            reason = f"exit status {done.returncode}" if done.returncode else "no single token on its standard output"
            raise TokenError(f"--token-command gave no token ({reason})")
        return token

    return fetch


def oauth2_source(url: str, client_id: str, secret: str, scopes: tuple[str, ...], verify: bool | str) -> Source:
    def fetch() -> str:
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        if scopes:
            form["scope"] = " ".join(scopes)
        try:
            answer = requests.post(url, data=form, timeout=30, verify=verify, allow_redirects=False)
            token = answer.json().get("access_token") if answer.status_code == 200 else None
        except (requests.RequestException, ValueError, AttributeError) as exc:
            raise TokenError(f"the token endpoint {url} could not be used: {type(exc).__name__}") from None
        if not isinstance(token, str) or not token:
            raise TokenError(f"the token endpoint {url} answered {answer.status_code} without an access_token")
        return token

    return fetch


@dataclass
class Tokens:
    """The run's token: the current one, every one it had (to know a request carries the run's own), renewals."""

    token: str
    source: Source | None = None  # None: a plain --token, never renewed
    clock: Callable[[], float] = time.time
    renewed: int = 0
    accepted: bool = False  # the target accepted the run's token at least once
    lost: str | None = None  # why the run's credentials can no longer be used, once they cannot
    earlier: set[str] = field(default_factory=set)
    _issued: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._issued = self.clock()

    @classmethod
    def start(cls, token: str | None, source: Source | None) -> Tokens | None:
        """The run's tokens, fetching the first from ``source``; None when neither is given."""
        if source is not None:
            return cls(source(), source)
        return cls(token) if token is not None else None

    def refreshed(self, value: str) -> str | None:
        """``value`` (an Authorization header) with the run's token in it brought up to date; None when it holds
        no token of the run's (a credential of another kind, sent on purpose)."""
        held = [t for t in (self.token, *self.earlier) if t in value]
        if not held:
            return None
        current = self.current()
        for old in held:
            value = value.replace(old, current)
        return value

    def refused(self) -> str:
        """The line that ends a run whose token, accepted earlier, is now refused and cannot be renewed."""
        why = self.lost or "a renewed token was refused too"
        return (
            "credentials expired: the run's token, accepted earlier in the run, is now refused (401), and it could "
            f"not be renewed ({why}); give --token-command or --token-url/--client-id so a long run can renew it"
        )

    def current(self) -> str:
        """The token to send now: renewed first when its exp is near."""
        with self._lock:
            exp = _expiry(self.token)
            if self.source is None or exp is None or self.lost is not None:
                return self.token
            now = self.clock()
            early = min(MAX_EARLY, max(0.0, (exp - self._issued) * EARLY))
            if now < exp - early:
                return self.token
        return self.renew()

    def renew(self) -> str:
        """A fresh token from the source; TokenError (and ``lost`` set) when there is none to be had."""
        with self._lock:
            if self.source is None:
                self.lost = "a --token is never renewed"
                raise TokenError(self.lost)
            try:
                fresh = self.source()
            except TokenError as exc:
                self.lost = str(exc)
                raise
            self.earlier.add(self.token)
            self.token = fresh
            self._issued = self.clock()
            self.renewed += 1
            return fresh
