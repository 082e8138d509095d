"""Credentials: a minted token for other tests, JWTs built here alone, and the tables of headers and their statuses."""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from mockserver.core.tokens import mint_token

__all__ = [
    "AUTH",
    "CREDENTIALS",
    "NOW",
    "READ",
    "SCOPED",
    "SCOPES",
    "TOKEN",
    "Credential",
    "bearer",
    "unsigned",
]

# A credential for tests about something else (what `mockserver token` prints), never an oracle of auth.
TOKEN = mint_token(["calendar.event.read"])
AUTH = {"Authorization": f"Bearer {TOKEN}"}

KEY = "a key of our own, 32 bytes long!"  # the mock never sees it: it does not check signatures
SCOPED = {"scope": "calendar.event.read"}
NOW = int(time.time())  # at collection, before any request is sent: an `exp` of NOW is at or before the request's now


def signed(claims: Mapping[str, Any]) -> str:
    """A JWT carrying ``claims``, signed with a key of our own."""
    return jwt.encode(dict(claims), KEY, "HS256")


def bearer(claims: Mapping[str, Any], scheme: str = "Bearer") -> dict[str, str]:
    """An ``Authorization`` header carrying a JWT with ``claims``, signed with a key the mock never sees."""
    return {"Authorization": f"{scheme} {signed(claims)}"}


def unsigned(
    payload: bytes, header: bytes = b'{"alg":"HS256","typ":"JWT"}', signature: bytes = b"not a signature"
) -> str:
    """A three-part token of ``header``, ``payload`` and ``signature`` as written, each base64url-encoded unpadded."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return f"{part(header)}.{part(payload)}.{part(signature)}"


READ = bearer(SCOPED)


@dataclass(frozen=True)
class Credential:
    """A pytest id, the ``Authorization`` value sent (None: no header), its status and, for a 401, the detail's gist."""

    id: str
    authorization: str | None
    status: int
    reason: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {} if self.authorization is None else {"Authorization": self.authorization}


NO_TOKEN = "No authorization token provided"
BAD_HEADER = "Invalid authorization header"
NOT_A_JWT = "not a JWT"
EXPIRED = "expired"
JUNK_SIGNATURE = unsigned(b'{"scope": "calendar.event.read"}')

# Which credentials get a 401 (and why) and which pass, on both operations. The ids are the register's node ids.
CREDENTIALS = (
    Credential("missing", None, 401, NO_TOKEN),
    Credential("basic-scheme", "Basic dXNlcjpwYXNz", 401, NO_TOKEN),
    Credential("a-jwt-under-another-scheme", f"Token {signed(SCOPED)}", 401, NO_TOKEN),
    Credential("empty-token", "Bearer", 401, BAD_HEADER),
    Credential("not-a-jwt", "Bearer qSdl4jeX", 401, NOT_A_JWT),
    Credential("two-parts", "Bearer a.b", 401, NOT_A_JWT),
    Credential("middle-part-not-base64url", "Bearer a.%%%.c", 401, NOT_A_JWT),
    Credential("middle-part-not-json", f"Bearer {unsigned(b'not json')}", 401, NOT_A_JWT),
    Credential("middle-part-not-an-object", f"Bearer {unsigned(b'[1, 2]')}", 401, NOT_A_JWT),
    Credential("exp-now", f"Bearer {signed({**SCOPED, 'exp': NOW})}", 401, EXPIRED),
    Credential("exp-an-hour-ago", f"Bearer {signed({**SCOPED, 'exp': NOW - 3600})}", 401, EXPIRED),
    Credential("exp-1970", f"Bearer {signed({**SCOPED, 'exp': 0})}", 401, EXPIRED),
    Credential("scheme-lower-case", f"bearer {signed(SCOPED)}", 200),
    Credential("scheme-upper-case", f"BEARER {signed(SCOPED)}", 200),
    Credential("scheme-mixed-case", f"bEaReR {signed(SCOPED)}", 200),
    Credential("signed-with-a-key-the-mock-never-saw", f"Bearer {signed(SCOPED)}", 200),
    Credential("a-junk-signature", f"Bearer {JUNK_SIGNATURE}", 200),
    Credential("exp-in-an-hour", f"Bearer {signed({**SCOPED, 'exp': NOW + 3600})}", 200),
    Credential("non-numeric-exp-ignored", f"Bearer {signed({**SCOPED, 'exp': 'yesterday'})}", 200),
)

# Which claims grant the events operation's scope (200) and which do not (403).
SCOPES = tuple(
    Credential(id, f"Bearer {signed(claims)}", status)
    for id, claims, status in (
        ("scope-string", {"scope": "calendar.event.read"}, 200),
        ("scope-string-among-others", {"scope": "openid calendar.event.read profile"}, 200),
        ("scope-list", {"scope": ["other", "calendar.event.read"]}, 200),
        ("scp-list", {"scp": ["calendar.event.read"]}, 200),
        ("scp-string", {"scp": "calendar.event.read other"}, 200),
        ("neither-claim-has-every-scope", {"sub": "someone"}, 200),
        ("another-scope", {"scope": "calendar.event.write"}, 403),
        ("a-longer-scope-name", {"scope": "calendar.event.readonly"}, 403),
        ("empty-scope-string", {"scope": ""}, 403),
        ("empty-scope-list", {"scope": []}, 403),
        ("scope-present-scp-not-read", {"scope": "other", "scp": ["calendar.event.read"]}, 403),
        ("empty-scp", {"scp": []}, 403),
        ("empty-scope-list-scp-not-read", {"scope": [], "scp": ["calendar.event.read"]}, 403),
    )
)
