"""No secret leaves: however a credential is written, the journal and the access log keep only its fingerprint.

Spellings of ``Authorization`` are written byte for byte to a real server process (the fast lane and the app both
answer them); the server decides which it accepts, and none of the tokens sent, accepted or not, may appear in
``/__mock/requests`` or in the server's output. A token-scoped runtime scenario applies to every accepted spelling.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mockserver.core.tokens import mint_token
from mockserver.server.journal import fingerprint
from tests.support.data import EVENTS, events_params
from tests.support.servers import ServerProcess, start_server
from tests.support.wire import exchange, status_of

OPAQUE = ("opaque-7f3a9c2e41d0", "Zm9vYmFyLWJhei1xdXV4", "tok_with.dots-and~tilde-5b1e")
ADMIN = "admin-5e8d1c77aa04b3"
ADMIN_AUTH = {"Authorization": f"Bearer {ADMIN}"}
TAB_TOKEN = mint_token(["calendar.event.read"], subject="tab")
TARGET = f"{EVENTS}?{urlencode(events_params())}".encode()

# Every character Python's str.split() (the reader's) splits on that a header can carry as a latin-1 byte, and some
# UTF-8 encoded Unicode spaces: the HTTP parser and the reader decide which of them make an accepted credential.
SEPARATORS = [b" ", b"\t", b"\xa0", b"\x85", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f"] + [
    c.encode() for c in "\u2003\u3000\u202f"
]
schemes = st.one_of(
    st.just(""),  # scheme-less: the token alone
    st.tuples(*(st.sampled_from([c, c.upper()]) for c in "bearer")).map("".join),
)
separators = st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=3).map(b"".join)
jwts = st.text(string.ascii_letters + string.digits, min_size=6, max_size=16).map(
    lambda subject: mint_token(["calendar.event.read"], subject=subject)
)
tokens = st.one_of(jwts, st.sampled_from((*OPAQUE, ADMIN)))
sessions = st.text(string.ascii_letters + string.digits + "-_.", min_size=10, max_size=24)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    accepted = [arg for token in OPAQUE for arg in ("--accept-token", token)]
    process = start_server(tmp_path, "--count", "50", "--admin-token", ADMIN, *accepted)
    yield process
    process.stop()


def _admin(server: ServerProcess, method: str, path: str, **kwargs: object) -> httpx.Response:
    answer = httpx.request(method, f"{server.base}/__mock{path}", headers=ADMIN_AUTH, timeout=10, **kwargs)  # type: ignore[arg-type]
    assert answer.status_code < 300, answer.text
    return answer


def test_no_spelling_of_a_credential_is_kept_and_a_token_scenario_matches_every_one(server: ServerProcess) -> None:
    sent: set[str] = set()
    accepted: list[bytes] = []

    @given(scheme=schemes, separator=separators, token=tokens, session=sessions)
    @example(scheme="Bearer", separator=b"\t", token=TAB_TOKEN, session="session-tab-1234")
    @example(scheme="Bearer", separator=b"\xa0", token=OPAQUE[0], session="session-nbsp-1234")
    @example(scheme="", separator=b" ", token=OPAQUE[1], session="session-none-1234")
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def spelled(scheme: str, separator: bytes, token: str, session: str) -> None:
        value = (scheme.encode() + separator if scheme else b"") + token.encode()
        sent.update((token, session))
        headers = [(b"Authorization", value), (b"x-session-token", session.encode())]
        _admin(server, "PUT", "/scenario", json={"code": 503, "api": "events", "tokenFingerprint": fingerprint(token)})
        status = status_of(exchange(server.port, TARGET, headers))
        _admin(server, "DELETE", "/scenario")
        if status in (400, 401):  # refused by the HTTP parser or by the credentials' reader
            return
        assert status == 503, (value, status)  # the token's scenario applied to this spelling
        assert status_of(exchange(server.port, TARGET, headers)) == 200, value  # the fast lane's way
        accepted.append(value)

    spelled()
    assert any(b"\t" in value for value in accepted) and any(b"\xa0" in value for value in accepted)
    journal = _admin(server, "GET", "/requests", params={"limit": 1000}).text
    server.stop()  # every access line written
    log = server.output()
    shown = _texts(json.loads(journal))  # what the journal says, not its field names ("durationMs" is no secret)
    for secret in sent:
        assert secret not in journal, secret
        assert secret not in log, secret
        for part in secret.split("."):  # a JWT's parts (its signature above all) are secrets too
            assert len(part) < 8 or not [text for text in shown if part in text], part


def _texts(value: object) -> list[str]:
    """Every string a JSON document holds as a value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def test_an_accepted_spelling_is_kept_as_bearer_and_the_token_s_fingerprint(server: ServerProcess) -> None:
    token = mint_token(["calendar.event.read"], subject="spelled")
    _admin(server, "DELETE", "/requests")
    for value, status in (
        (f"Bearer {token}", 200),
        (f"bearer\t{token}", 200),
        (f"BEARER\xa0\xa0{token}", 200),
        (f"Bearer\x85{OPAQUE[0]}", 200),
        (token, 401),  # refused, and still never kept
        (f"Basic {token}", 401),
    ):
        answer = exchange(server.port, TARGET, [(b"Authorization", value.encode("latin-1"))])
        assert status_of(answer) == status, value
    shown = [e["headers"]["authorization"] for e in _admin(server, "GET", "/requests").json()["requests"]]
    assert shown[::-1] == [
        *[f"Bearer {fingerprint(token)}"] * 3,
        f"Bearer {fingerprint(OPAQUE[0])}",
        fingerprint(token),
        fingerprint(f"Basic {token}"),
    ]
