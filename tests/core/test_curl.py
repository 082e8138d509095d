"""The curl builder, pasted into a real bash: curl gets exactly the request's words, and nothing else runs.

The oracle is ``tests.support.shell.paste``: ``bash -c`` with ``curl`` a stub that writes down its argv, and a
planted ``touch PWNED`` that would leave a file behind.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core.curl import curl_command
from tests.support.shell import PLANTED, paste

ORIGIN = "http://127.0.0.1:8000"
FLAGS = ("--globoff", "--path-as-is")
VARIABLES = {"MOCKSERVER_TOKEN": "token", "MOCKSERVER_SESSION_TOKEN": "session"}

# Any text a shell argument can hold (no NUL, no lone surrogate), with the planted fragments mixed in often.
_chars = st.characters(codec="utf-8", exclude_characters="\x00")
_text = st.lists(st.one_of(st.sampled_from(PLANTED), st.text(_chars, max_size=8)), max_size=6).map("".join)
_secret = st.one_of(st.sampled_from(["s", "e", "Bearer", "events", "t o k"]), _text.filter(bool))
_name = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=1, max_size=12)
_method = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "QUERY"])


def _expected(method: str, url: str, headers: list[tuple[str, str]], body: str | None) -> list[str]:
    """curl's argv as the request says it, without the flags that only keep curl from rewriting the URL."""
    argv = ["-X", method]
    for name, value in headers:
        argv += ["-H", f"{name}: {value}" if value else f"{name};"]
    if body is not None:
        argv += ["--data-raw", body]
    return [*argv, url]


def _unflagged(argv: list[str]) -> list[str]:
    head, rest = argv[:2], argv[2:]
    while rest and rest[0] in FLAGS:
        rest = rest[1:]
    return head + rest


@settings(max_examples=150, deadline=None)
@given(
    method=_method,
    path=_text,
    query=st.none() | _text,
    headers=st.lists(st.tuples(_name, _text), max_size=4),
    body=st.none() | _text,
    token=_secret,
    session=_secret,
    position=st.integers(0, 4),
)
def test_bash_hands_curl_the_request_as_given_and_runs_nothing_else(
    method: str,
    path: str,
    query: str | None,
    headers: list[tuple[str, str]],
    body: str | None,
    token: str,
    session: str,
    position: int,
) -> None:
    url = f"{ORIGIN}/{path}" + ("" if query is None else f"?{query}")
    sent = list(headers)
    sent.insert(min(position, len(sent)), ("Authorization", f"Bearer {token}"))
    sent.insert(min(position + 1, len(sent)), ("x-session-token", session))
    secrets = {token: "MOCKSERVER_TOKEN", session: "MOCKSERVER_SESSION_TOKEN"}
    command = curl_command(method, url, sent, body, secrets)
    with tempfile.TemporaryDirectory() as directory:
        pasted = paste(command, Path(directory), {"MOCKSERVER_TOKEN": token, "MOCKSERVER_SESSION_TOKEN": session})
    assert pasted.argv is not None, pasted.stderr
    assert _unflagged(pasted.argv) == _expected(method, url, sent, body)
    assert not pasted.pwned


@given(token=_text.filter(bool))
def test_a_secret_is_named_never_written(token: str) -> None:
    command = curl_command("GET", f"{ORIGIN}/events", [("Authorization", f"Bearer {token}")], secrets={token: "T"})
    assert command == f"curl -X GET -H 'Authorization: Bearer '\"$T\" {ORIGIN}/events"


def test_the_documented_spelling_of_a_token_and_a_session() -> None:
    command = curl_command(
        "GET",
        f"{ORIGIN}/events?from=2024-01-01T00:00:00Z",
        [("Authorization", "Bearer abc"), ("x-session-token", "s"), ("Prefer", "code=503")],
        secrets={"abc": "MOCKSERVER_TOKEN", "s": "MOCKSERVER_SESSION_TOKEN"},
    )
    assert command == (
        "curl -X GET -H 'Authorization: Bearer '\"$MOCKSERVER_TOKEN\""
        " -H 'x-session-token: '\"$MOCKSERVER_SESSION_TOKEN\""
        f" -H 'Prefer: code=503' '{ORIGIN}/events?from=2024-01-01T00:00:00Z'"
    )


def test_a_short_secret_is_replaced_only_where_it_is_the_whole_value() -> None:
    """The substring masking this replaced turned ``/events`` into ``/event$MOCKSERVER_SESSION_TOKEN``."""
    command = curl_command(
        "GET", f"{ORIGIN}/events?s=s", [("x-session-token", "s"), ("X-Other", "s s")], secrets={"s": "SESSION"}
    )
    with tempfile.TemporaryDirectory() as directory:
        pasted = paste(command, Path(directory), {"SESSION": "the-session"})
    assert pasted.argv == [
        "-X",
        "GET",
        "-H",
        "x-session-token: the-session",
        "-H",
        "X-Other: s the-session",
        f"{ORIGIN}/events?s=s",
    ]


@pytest.mark.parametrize(
    ("url", "flags"),
    [
        (f"{ORIGIN}/events?from=a", []),
        (f"{ORIGIN}/events?ids[]=1", ["--globoff"]),
        (f"{ORIGIN}/events/{{a,b}}", ["--globoff"]),
        (f"{ORIGIN}/a/../events", ["--path-as-is"]),
        (f"{ORIGIN}/a/%2E/events", ["--path-as-is"]),
        (f"{ORIGIN}/events?next=/a/../b", []),
        (f"{ORIGIN}/a/./[x]", ["--globoff", "--path-as-is"]),
    ],
)
def test_curl_is_told_to_send_the_url_as_is_only_when_it_would_not(url: str, flags: list[str]) -> None:
    assert curl_command("GET", url, []).split()[3:-1] == flags


@pytest.mark.parametrize("name", ["", "1A", "A-B", "A$(touch PWNED)", 'A"', "A B"])
def test_a_variable_name_the_shell_would_not_read_as_one_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="variable"):
        curl_command("GET", f"{ORIGIN}/", [("Authorization", "Bearer t")], secrets={"t": name})


def test_a_url_that_curl_would_read_as_an_option_is_refused() -> None:
    with pytest.raises(ValueError, match="option"):
        curl_command("GET", "-K/etc/passwd", [])
