"""Hostile input against a real server process: every refusal a 4xx problem+json, never a 5xx or a leaked internal.

Requests go over raw sockets, byte for byte, so that nothing (httpx, urllib) normalises what the server receives.
A request the HTTP server itself cannot parse may get its own plain ``400/414/431``; everything that reaches the
application gets a ``application/problem+json`` body. Each table row states the exact status expected.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.metadata
import json
import platform
import re
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import click.testing
import pytest
import uvicorn

from mockserver import cli
from mockserver.core.tokens import mint_token
from tests.support.clients import ClientFactory
from tests.support.data import SESSION
from tests.support.servers import ServerProcess, start_server
from tests.support.tokens import AUTH, TOKEN, unsigned

EV = "/events?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z"
IV = (
    "/main/calendar/v2/rs/events?scheduledStart=2024-01-01T00:00:00Z&scheduledEnd=2025-01-01T00:00:00Z"
    "&includeSites=false"
)
KIB = 1024
# The HTTP server's own refusals of requests it cannot parse (uvicorn + httptools): plain text, no problem+json.
SERVER_OWN = {400, 414, 431}
SERVER_OWN_BODY = b"Invalid HTTP request received."

_VERSIONS = [importlib.metadata.version(n) for n in ("connexion", "uvicorn", "starlette", "jsonschema", "httptools")]
LEAKS = [
    "Traceback",
    'File "',
    "/work",
    "site-packages",
    ".py",
    "/usr/",
    "/root",
    "Exception",
    "Error(",
    f"Python/{platform.python_version()}",
    platform.python_version(),
    *_VERSIONS,
]


# --- the wire -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def problem(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value


Headers = Sequence[tuple[bytes, bytes]]
BASE_HEADERS: Headers = (
    (b"Authorization", f"Bearer {TOKEN}".encode()),
    (b"x-session-token", b"session"),
    (b"content-type", b"application/json"),
)


def build(
    target: bytes,
    headers: Headers = BASE_HEADERS,
    *,
    method: bytes = b"GET",
    body: bytes = b"",
    extra: Headers = (),
    drop: Sequence[bytes] = (),
) -> bytes:
    """One HTTP/1.1 request, byte for byte: ``drop`` removes default headers by name, ``extra`` appends."""
    lines = [method + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name + b": " + value for name, value in headers if name.lower() not in {d.lower() for d in drop}]
    lines += [name + b": " + value for name, value in extra]
    if body:
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def exchange(port: int, request: bytes, *, method: str = "GET") -> Reply:
    """Send raw bytes, read one response (http.client parses it; the connection is closed after)."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        body = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, body)


# --- the oracle -----------------------------------------------------------------------------------------------------


def assert_no_leak(reply: Reply, sent: bytes = b"") -> None:
    """No trace of the server's insides in the answer; the path the client ``sent``, echoed back decoded (a 404 names
    it), is the client's own text, not a leak."""
    text = reply.body.decode("utf-8", "replace") + "\n".join(f"{k}: {v}" for k, v in reply.headers.items())
    if sent:
        text = text.replace(unquote(sent.decode("latin-1")), "")
    found = [leak for leak in LEAKS if leak in text]
    assert not found, f"the answer leaks {found}: {reply.status} {text[:500]}"
    assert not re.search(r"[0-9]", reply.headers.get("server", "")), f"server header: {reply.headers['server']}"


def assert_answer(reply: Reply, expected: int) -> None:
    """``expected`` status; a 4xx is a problem+json naming its status (or the HTTP server's own refusal)."""
    assert reply.status < 500, f"server error {reply.status}: {reply.body[:500]!r}"
    assert reply.status == expected, f"{reply.status} (expected {expected}): {reply.body[:500]!r}"
    if 400 <= reply.status < 500:
        assert_no_leak(reply)
        if reply.status in SERVER_OWN and reply.body == SERVER_OWN_BODY:
            return
        assert reply.media_type == "application/problem+json", reply.headers
        problem = reply.problem()
        assert problem["status"] == reply.status
        assert isinstance(problem["title"], str) and problem["title"]
        assert isinstance(problem["detail"], str) and problem["detail"]
    elif reply.status == 200 and reply.body:
        assert reply.media_type == "application/json"
        assert isinstance(json.loads(reply.body), dict)


# --- the server -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("hostile"), "--count", "300")
    yield process
    process.stop()


@pytest.fixture(scope="module")
def send(server: ServerProcess) -> Callable[..., Reply]:
    def _send(request: bytes, method: str = "GET") -> Reply:
        return exchange(server.port, request, method=method)

    return _send


Send = Callable[..., Reply]


def _table(rows: Sequence[tuple[str, Any, int]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("target", "expected"), [pytest.param(t, e, id=i) for i, t, e in rows])


def _jwt(payload: bytes, header: bytes = b'{"alg":"HS256","typ":"JWT"}', signature: bytes = b"sig") -> bytes:
    return unsigned(payload, header, signature).encode()


# --- query strings --------------------------------------------------------------------------------------------------

QUERIES = [
    # invalid percent-encoding and invalid UTF-8
    ("pct-not-hex", EV + "&limit=%zz", 400),
    ("pct-truncated-value", EV + "&limit=%", 400),
    ("pct-truncated-date", "/events?from=%E0%A4%A&to=2025-01-01T00:00:00Z", 400),
    ("pct-invalid-utf8-date", "/events?from=%ff%fe&to=2025-01-01T00:00:00Z", 400),
    ("pct-overlong-utf8", "/events?from=%c0%ae&to=2025-01-01T00:00:00Z", 400),
    ("pct-lone-surrogate", "/events?from=%ed%a0%80&to=2025-01-01T00:00:00Z", 400),
    ("pct-invalid-utf8-category", EV + "&category=%ff", 200),
    ("pct-nul-category", EV + "&category=%00", 200),
    ("pct-invalid-name-ignored", EV + "&%zz=1", 200),
    ("pct-invalid-utf8-name-ignored", EV + "&%ff%fe=1", 200),
    ("pct-invalid-session-query", IV + "&pageSize=%ff", 400),
    # repeated parameters
    ("repeated-limit", EV + "&limit=1&limit=2", 400),
    ("repeated-same-value", EV + "&limit=1&limit=1", 400),
    ("repeated-from", EV + "&from=2024-01-01T00:00:00Z", 400),
    ("repeated-pageSize", IV + "&pageSize=1&pageSize=2", 400),
    ("repeated-includeSites", IV + "&includeSites=true", 400),
    ("repeated-1000-times", EV + "&limit=1" * 1000, 400),
    # integers beyond 2^63 and other non-integers
    ("limit-2^63", EV + "&limit=9223372036854775808", 400),
    ("page-minus-2^63", EV + "&page=-9223372036854775808", 400),
    ("page-2^63-minus-1", EV + "&page=9223372036854775807&limit=9223372036854775807", 200),
    ("page-2^64", EV + "&page=18446744073709551616", 400),
    ("limit-5000-digits", EV + "&limit=" + "9" * 5000, 400),
    ("limit-minus-5000-digits", EV + "&limit=-" + "9" * 5000, 400),
    ("pageSize-2^63", IV + "&pageSize=9223372036854775808", 400),
    ("findId-2^64", IV + "&findId=18446744073709551616", 400),
    ("page-1e400", IV + "&page=1e400", 400),
    ("limit-NaN", EV + "&limit=NaN", 400),
    ("limit-Infinity", EV + "&limit=Infinity", 400),
    ("limit-minus-Infinity", EV + "&limit=-Infinity", 400),
    ("pageSize-nan", IV + "&pageSize=nan", 400),
    ("limit-float", EV + "&limit=1.0", 400),
    ("limit-exponent", EV + "&limit=1e3", 400),
    ("limit-hex", EV + "&limit=0x10", 400),
    ("limit-plus", EV + "&limit=%2B5", 400),
    ("limit-underscore", EV + "&limit=1_0", 400),
    ("limit-arabic-digit", EV + "&limit=%D9%A5", 400),
    ("limit-padded", EV + "&limit=%205", 400),
    ("includeSites-NaN", IV.replace("includeSites=false", "includeSites=NaN"), 400),
    ("includeSites-TRUE", IV.replace("includeSites=false", "includeSites=TRUE"), 400),
    ("includeCount-1", IV + "&includeCount=1", 400),
    # empty values
    ("empty-limit", EV + "&limit=", 400),
    ("empty-from", "/events?from=&to=2025-01-01T00:00:00Z", 400),
    ("empty-orderBy", EV + "&orderBy=", 400),
    ("empty-category-matches-nothing", EV + "&category=", 200),
    ("empty-pageSize", IV + "&pageSize=", 400),
    ("empty-includeSites", IV.replace("includeSites=false", "includeSites="), 400),
    ("bare-name-limit", EV + "&limit", 400),
    ("only-ampersands", "/events?&&&&", 400),
    ("no-query", "/events", 400),
    # dates and times
    ("date-2023-02-29", "/events?from=2023-02-29T00:00:00Z&to=2025-01-01T00:00:00Z", 400),
    ("date-2024-02-29-valid", "/events?from=2024-02-29T00:00:00Z&to=2025-01-01T00:00:00Z", 200),
    ("time-24:00:00", "/events?from=2024-01-01T24:00:00Z&to=2025-01-01T00:00:00Z", 400),
    ("time-leap-second", "/events?from=2024-12-31T23:59:60Z&to=2025-01-01T00:00:00Z", 200),
    ("month-13", "/events?from=2024-13-01T00:00:00Z&to=2025-01-01T00:00:00Z", 400),
    ("no-seconds", "/events?from=2024-01-01T12:34Z&to=2025-01-01T00:00:00Z", 400),
    ("year-10000", "/events?from=10000-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", 400),
    ("offset-24:00", "/events?from=2024-01-01T00:00:00%2B24:00&to=2025-01-01T00:00:00Z", 400),
    ("unencoded-plus", "/events?from=2024-01-01T00:00:00+08:00&to=2025-01-01T00:00:00Z", 400),
    ("extreme-9999-minus-1h", "/events?from=0000-01-01T00:00:00%2B23:59&to=9999-12-31T23:59:59-01:00", 200),
    (
        "extreme-interventions",
        "/main/calendar/v2/rs/events?scheduledStart=0000-01-01T00:00:00Z"
        "&scheduledEnd=9999-12-31T23:59:59.999999999Z&includeSites=false&includeCount=true",
        200,
    ),
    ("offset-on-interventions", IV.replace("2024-01-01T00:00:00Z", "2024-01-01T00:00:00-01:00"), 400),
    ("fraction-1000-digits", "/events?from=2024-01-01T00:00:00." + "9" * 1000 + "Z&to=2025-01-01T00:00:00Z", 200),
    ("date-arabic-digits", "/events?from=%D9%A2%D9%A0%D9%A2%D9%A4-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", 400),
    ("date-nul", "/events?from=2024-01-01T00:00:00Z%00&to=2025-01-01T00:00:00Z", 400),
    ("date-32-KiB", "/events?from=2024-01-01T00:00:00" + "0" * 32 * KIB + "Z&to=2025-01-01T00:00:00Z", 400),
    ("orderBy-unknown", EV + "&orderBy=__class__", 400),
    # size
    ("value-32-KiB", EV + "&category=" + "a" * 32 * KIB, 200),
    ("5000-unknown-parameters", EV + "".join(f"&p{n}=1" for n in range(5000)), 200),
]


@_table(QUERIES)
def test_query_string(send: Send, target: str, expected: int) -> None:
    assert_answer(send(build(target.encode())), expected)


RAW_TARGETS = [
    ("raw-invalid-utf8-in-query", b"/events?from=\xff\xfe&to=2025-01-01T00:00:00Z", 400),
    ("raw-invalid-utf8-in-path", b"/events\xff", 400),
    ("raw-space-in-target", b"/events?from=2024 01", 400),
    ("url-64-KiB", EV.encode() + b"&x=" + b"a" * 64 * KIB, 431),  # over --max-header-bytes (64 KiB)
    ("url-1-MiB", b"/events?x=" + b"a" * 1024 * KIB, 431),  # over --max-header-bytes
]


@_table(RAW_TARGETS)
def test_raw_request_target(send: Send, target: bytes, expected: int) -> None:
    assert_answer(send(build(target)), expected)


# --- headers and credentials ----------------------------------------------------------------------------------------


def _auth(token: bytes) -> Headers:
    return ((b"Authorization", b"Bearer " + token),)


HEADERS = [
    ("header-32-KiB-ignored", EV, (b"X-Padding", b"a" * 32 * KIB), (), 200),
    ("header-64-KiB", EV, (b"X-Padding", b"a" * 64 * KIB), (), 431),  # over --max-header-bytes
    ("authorization-32-KiB", EV, (b"Authorization", b"Bearer " + b"a" * 32 * KIB), (b"Authorization",), 401),
    ("session-token-32-KiB", IV, (b"x-session-token", b"s" * 32 * KIB), (b"x-session-token",), 200),
    ("content-type-32-KiB", IV, (b"content-type", b"application/json" * 2 * KIB), (b"content-type",), 400),
    ("session-token-blank", IV, (b"x-session-token", b"   "), (b"x-session-token",), 400),
    ("session-token-missing", IV, (b"x-ignored", b"1"), (b"x-session-token",), 400),
    ("session-token-latin1", IV, (b"x-session-token", b"\xe9t\xe9"), (b"x-session-token",), 200),
    ("content-type-charset", IV, (b"content-type", b"application/json; charset=utf-8"), (b"content-type",), 400),
    ("content-type-upper", IV, (b"content-type", b"APPLICATION/JSON"), (b"content-type",), 200),
    ("content-type-missing", IV, (b"x-ignored", b"1"), (b"content-type",), 400),
    ("content-type-latin1", IV, (b"content-type", b"application/json\xff"), (b"content-type",), 400),
    ("authorization-missing", EV, (b"x-ignored", b"1"), (b"Authorization",), 401),
    ("authorization-basic", EV, (b"Authorization", b"Basic dXNlcjpwYXNz"), (b"Authorization",), 401),
    ("authorization-bearer-only", EV, (b"Authorization", b"Bearer"), (b"Authorization",), 401),
    ("authorization-bearer-space", EV, (b"Authorization", b"Bearer "), (b"Authorization",), 401),
    ("authorization-lowercase-scheme", EV, (b"Authorization", b"bearer " + TOKEN.encode()), (b"Authorization",), 200),
    ("authorization-latin1", EV, (b"Authorization", b"Bearer \xff\xfe.\xe9.\xe9"), (b"Authorization",), 401),
    ("header-1-MiB", EV, (b"X-Padding", b"a" * 1024 * KIB), (), 431),  # over --max-header-bytes
    ("many-headers-500", EV, (b"X-Many", b"1\r\n".join(b"X-H%d: 1" % n for n in range(500))), (), 200),
]


@pytest.mark.parametrize(
    ("target", "header", "drop", "expected"),
    [pytest.param(t, h, d, e, id=i) for i, t, h, d, e in HEADERS],
)
def test_header(send: Send, target: str, header: tuple[bytes, bytes], drop: tuple[bytes, ...], expected: int) -> None:
    assert_answer(send(build(target.encode(), extra=(header,), drop=drop)), expected)


RAW_HEADERS = [
    ("cr-in-value", b"X-A: a\rb"),
    ("lf-in-value-smuggled-header", b"X-A: a\nAuthorization: Bearer x"),
    ("nul-in-value", b"X-A: a\x00b"),
    ("space-before-colon", b"X-A : b"),
    ("no-colon", b"X-A"),
    ("obsolete-line-folding", b"X-A: a\r\n b"),
    ("header-name-non-ascii", b"X-\xff: b"),
    ("content-length-negative", b"Content-Length: -1"),
    ("content-length-not-a-number", b"Content-Length: abc"),
    ("content-length-two-values", b"Content-Length: 1\r\nContent-Length: 2"),
    ("chunked-and-content-length", b"Transfer-Encoding: chunked\r\nContent-Length: 3"),
]


@pytest.mark.parametrize("line", [pytest.param(line, id=i) for i, line in RAW_HEADERS])
def test_malformed_header_is_refused_by_the_http_server(send: Send, line: bytes) -> None:
    reply = send(build(EV.encode(), extra=((line, b""),)).replace(line + b": ", line))
    assert_answer(reply, 400)
    assert reply.body == SERVER_OWN_BODY


JWTS = [
    ("two-parts", b"a.b"),
    ("four-parts", b"a.b.c.d"),
    ("broken-base64", b"abc.!!!.def"),
    ("base64-padding-garbage", b"eyJhbGciOiJIUzI1NiJ9.e===.c2ln"),
    ("payload-not-json", _jwt(b"not json")),
    ("payload-truncated-json", _jwt(b'{"sub":')),
    ("payload-json-array", _jwt(b"[1,2]")),
    ("payload-json-string", _jwt(b'"sub"')),
    ("payload-invalid-utf8", _jwt(b'{"sub":"\xff\xfe"}')),
    ("header-not-json", _jwt(b"{}", header=b"{{{")),
    ("payload-deeply-nested", _jwt(b'{"a":' * 5000 + b"1" + b"}" * 5000)),
    ("exp-in-the-past", _jwt(b'{"exp":1}')),
    ("exp-minus-1e400", _jwt(b'{"exp":-1e400}')),
    ("exp-huge-negative-int", _jwt(b'{"exp":-' + b"9" * 4000 + b"}")),
    ("exp-5000-digits", _jwt(b'{"exp":' + b"9" * 5000 + b"}")),
    ("empty-token-parts", b".."),
]


@pytest.mark.parametrize("token", [pytest.param(t, id=i) for i, t in JWTS])
def test_a_broken_jwt_is_a_401(send: Send, token: bytes) -> None:
    reply = send(build(EV.encode(), extra=_auth(token), drop=(b"Authorization",)))
    assert_answer(reply, 401)
    assert reply.headers.get("www-authenticate", "").lower().startswith("bearer")


ODD_CLAIMS = [
    ("exp-1e400-never-expires", _jwt(b'{"exp":1e400}'), 200),
    ("exp-NaN", _jwt(b'{"exp":NaN}'), 200),
    ("exp-string", _jwt(b'{"exp":"yesterday"}'), 200),
    ("scope-number", _jwt(b'{"scope":5}'), 403),
    ("scope-list-of-junk", _jwt(b'{"scope":[1,null,{}]}'), 403),
    ("scope-32-KiB", _jwt(b'{"scope":"' + b"x " * 16 * KIB + b'"}'), 403),
    ("scp-string", _jwt(b'{"scp":"calendar.event.read"}'), 200),
    ("alg-none", _jwt(b"{}", header=b'{"alg":"none"}', signature=b""), 200),
]


@pytest.mark.parametrize(("token", "expected"), [pytest.param(t, e, id=i) for i, t, e in ODD_CLAIMS])
def test_odd_claims_never_break_auth(send: Send, token: bytes, expected: int) -> None:
    assert_answer(send(build(EV.encode(), extra=_auth(token), drop=(b"Authorization",))), expected)


# --- bodies and methods ---------------------------------------------------------------------------------------------

BODIES = [
    ("json-broken", b'{"a":'),
    ("json-valid-object", b'{"from":"2000-01-01T00:00:00Z"}'),
    ("json-nested-500", b"[" * 500 + b"]" * 500),
    ("json-invalid-utf8", b'"\xff\xfe"'),
    ("json-NaN", b"NaN"),
    ("json-5000-digit-integer", b"1" + b"0" * 5000),
    ("json-512-KiB-string", b'"' + b"a" * 512 * KIB + b'"'),
    ("binary-1-MiB", bytes(range(256)) * 4 * KIB),  # exactly --max-body-bytes (1 MiB): still read, and ignored
]


@pytest.mark.parametrize("body", [pytest.param(b, id=i) for i, b in BODIES])
@pytest.mark.parametrize("target", [pytest.param(EV, id="events"), pytest.param(IV, id="interventions")])
def test_a_body_on_get_is_ignored(send: Send, target: str, body: bytes) -> None:
    plain = send(build(target.encode()))
    reply = send(build(target.encode(), body=body))
    assert_answer(reply, 200)
    assert reply.body == plain.body


@pytest.mark.parametrize("target", [pytest.param(EV, id="events"), pytest.param(IV, id="interventions")])
def test_a_body_over_the_limit_is_refused_with_413(send: Send, target: str) -> None:
    reply = send(build(target.encode(), body=b"a" * (1024 * KIB + 1)))
    assert reply.status == 413
    assert reply.headers["content-type"] == "application/problem+json"


DEEP_BODIES = [
    ("json-nested-1000", b"[" * 1000 + b"]" * 1000),
    ("json-nested-unclosed-100000", b'{"a":' * 100_000),
]


@pytest.mark.parametrize("body", [pytest.param(b, id=i) for i, b in DEEP_BODIES])
@pytest.mark.parametrize("target", [pytest.param(EV, id="events"), pytest.param(IV, id="interventions")])
def test_a_deeply_nested_body_on_get_is_ignored(send: Send, target: str, body: bytes) -> None:
    plain = send(build(target.encode()))
    reply = send(build(target.encode(), body=body))
    assert_answer(reply, 200)
    assert reply.body == plain.body


@pytest.mark.parametrize("target", [pytest.param(EV, id="events"), pytest.param(IV, id="interventions")])
def test_a_deeply_nested_body_is_ignored(make_client: ClientFactory, target: str) -> None:
    client = make_client()
    headers = {**AUTH, **SESSION}
    plain = client.get(target, headers=headers)
    reply = client.request("GET", target, headers=headers, content=b"[" * 1000 + b"]" * 1000)
    assert (reply.status_code, reply.content) == (200, plain.content)


TWICE = [
    ("content-type-twice", IV, (b"content-type", b"text/plain"), 400),
    ("authorization-twice", EV, (b"Authorization", b"Bearer not-a-jwt"), 401),
    ("session-token-twice", IV, (b"x-session-token", b" "), 400),
]


@pytest.mark.parametrize(("target", "header", "expected"), [pytest.param(t, h, e, id=i) for i, t, h, e in TWICE])
def test_a_header_given_twice_is_refused(send: Send, target: str, header: tuple[bytes, bytes], expected: int) -> None:
    assert_answer(send(build(target.encode(), extra=(header,))), expected)


def test_a_16_mib_body_never_gets_a_server_error(send: Send, server: ServerProcess) -> None:
    """The HTTP server answers without draining a body it does not need, so the client may see a reset instead."""
    replies: list[Reply] = []
    with contextlib.suppress(ConnectionResetError, BrokenPipeError):
        replies.append(send(build(EV.encode(), body=b"[" + b"1," * 8 * 1024 * KIB + b"1]")))
    assert all(reply.status < 500 for reply in replies), replies[0].body[:300]
    assert_answer(send(build(EV.encode())), 200)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "CONNECT"])
@pytest.mark.parametrize("target", [pytest.param(EV, id="events"), pytest.param(IV, id="interventions")])
def test_another_method_is_a_405(send: Send, target: str, method: str) -> None:
    reply = send(build(target.encode(), method=method.encode(), body=b'{"a":' * 10), method=method)
    assert_answer(reply, 405)


def test_head_answers_headers_only(send: Send) -> None:
    reply = send(build(EV.encode(), method=b"HEAD"), method="HEAD")
    assert (reply.status, reply.body, reply.media_type) == (200, b"", "application/json")


REQUEST_LINES = [
    ("unknown-method", b"BREW /events HTTP/1.1"),
    ("method-64-KiB", b"G" * 64 * KIB + b" /events HTTP/1.1"),
    ("lowercase-method", b"get /events HTTP/1.1"),
    ("no-version", b"GET /events FOO"),
    ("http-9.9", b"GET /events HTTP/9.9"),
    ("tls-client-hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
    ("empty-target", b"GET  HTTP/1.1"),
    ("bare-lf", b"GET /events HTTP/1.1\nHost: x"),
]


@pytest.mark.parametrize("line", [pytest.param(line, id=i) for i, line in REQUEST_LINES])
def test_an_unparseable_request_line_is_refused_by_the_http_server(send: Send, line: bytes) -> None:
    reply = send(line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert_answer(reply, 400)
    assert reply.body == SERVER_OWN_BODY


def test_asterisk_form_is_a_404(send: Send) -> None:
    assert_answer(send(build(b"*", method=b"OPTIONS"), method="OPTIONS"), 404)


def test_the_token_endpoint_refuses_garbage_with_an_oauth_error(send: Send) -> None:
    """RFC 6749 §5.2 fixes this endpoint's error format: JSON with ``error``, not problem+json."""
    body = b"grant_type=\xff\xfe&scope=" + b"%" * 1000
    reply = send(
        build(
            b"/oauth/token",
            (),
            method=b"POST",
            body=body,
            extra=((b"content-type", b"application/x-www-form-urlencoded"),),
        ),
        method="POST",
    )
    assert reply.status == 400
    assert json.loads(reply.body)["error"] == "unsupported_grant_type"
    assert_no_leak(reply)


# --- safe defaults: no file reads, no outbound connections, no credentials in logs, loopback bind -------------------

TRAVERSALS = [
    ("dot-dot", b"/ui/../../etc/passwd"),
    ("dot-dot-deep", b"/ui/" + b"../" * 12 + b"etc/passwd"),
    ("encoded-dots", b"/ui/%2e%2e/%2e%2e/etc/passwd"),
    ("encoded-slashes", b"/ui/..%2f..%2f..%2fetc%2fpasswd"),
    ("double-encoded", b"/ui/%252e%252e/%252e%252e/etc/passwd"),
    ("overlong-utf8-dot", b"/ui/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd"),
    ("backslashes", b"/ui/..\\..\\..\\etc\\passwd"),
    ("encoded-backslashes", b"/ui/..%5c..%5c..%5cetc%5cpasswd"),
    ("nul-byte", b"/ui/swagger-ui.css%00/../../etc/passwd"),
    ("absolute-in-static", b"/ui//etc/passwd"),
    ("interventions-ui", b"/main/ui/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd"),
    ("project-file", b"/ui/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/work/main/pyproject.toml"),
    ("package-source", b"/ui/%2e%2e/%2e%2e/mockserver/auth.py"),
    ("spec-json-suffix", b"/openapi.json/../../../../etc/passwd"),
    ("static-then-dots", b"/ui/swagger-ui.css/../../../../etc/passwd"),
    ("root-path", b"//etc/passwd"),
    ("proc-self-environ", b"/ui/%2e%2e/%2e%2e/%2e%2e/%2e%2e/proc/self/environ"),
]
FILE_MARKERS = [b"root:", b"[build-system]", b"import ", b"PATH=", b"HOME="]


@pytest.mark.parametrize("target", [pytest.param(t, id=i) for i, t in TRAVERSALS])
def test_path_traversal_reads_no_file(send: Send, target: bytes) -> None:
    reply = send(build(target))
    assert 400 <= reply.status < 500, f"{reply.status}: {reply.body[:300]!r}"
    assert not [m for m in FILE_MARKERS if m in reply.body], reply.body[:300]
    assert_no_leak(reply, sent=target)


def test_the_static_files_are_still_served(send: Send) -> None:
    reply = send(build(b"/ui/swagger-ui.css"))
    assert reply.status == 200 and b"swagger" in reply.body


def _ssrf_requests(port: int) -> list[bytes]:
    other = f"127.0.0.1:{port}".encode()
    url = b"http://" + other + b"/steal"
    return [
        build(url),  # absolute-form request target
        build(url + b"/events?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z"),
        build(EV.encode() + b"&url=" + url + b"&redirect=" + url + b"&callback=" + url),
        build(
            EV.encode(),
            extra=(
                (b"X-Forwarded-Host", other),
                (b"Forwarded", b"host=" + other),
                (b"Referer", url),
                (b"X-Original-URL", url),
                (b"X-Rewrite-URL", url),
            ),
        ),
        build(
            b"/oauth/token",
            (),
            method=b"POST",
            body=b"grant_type=client_credentials&redirect_uri=" + url,
            extra=((b"content-type", b"application/x-www-form-urlencoded"),),
        ),
        build(b"/ui/", extra=((b"Host", other),)),
        build(b"/openapi.json?url=" + url),
    ]


def test_no_request_makes_the_server_connect_elsewhere(send: Send) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(1.0)
        for request in _ssrf_requests(listener.getsockname()[1]):
            reply = send(request, method="POST" if request.startswith(b"POST") else "GET")
            assert reply.status < 500
        with pytest.raises(TimeoutError):
            listener.accept()


SECRET_SUBJECT = "s3cr3t-subject-in-a-token"
SECRETS = {
    "valid-jwt": mint_token(["calendar.event.read"], subject=SECRET_SUBJECT),
    "expired-jwt": mint_token(["calendar.event.read"], subject=SECRET_SUBJECT, expires_in=-60),
    "unscoped-jwt": mint_token(["other"], subject=SECRET_SUBJECT),
    "opaque": "s3cr3t-opaque-token-0123456789",
}


@pytest.mark.parametrize("name", list(SECRETS))
@pytest.mark.parametrize("target", [pytest.param(EV, id="events"), pytest.param(IV, id="interventions")])
def test_no_token_reaches_the_log(send: Send, server: ServerProcess, name: str, target: str) -> None:
    secret = SECRETS[name]
    session = f"s3cr3t-session-{name}"
    request = build(
        target.encode(),
        extra=((b"Authorization", f"Bearer {secret}".encode()), (b"x-session-token", session.encode())),
        drop=(b"Authorization", b"x-session-token"),
    )
    assert send(request).status < 500
    send(
        build(
            target.encode() + b"&page=0x1&pageSize=0x1&limit=0x1",
            extra=((b"x-session-token", session.encode()),),
            drop=(b"x-session-token",),
        )
    )
    log = server.output()
    assert "GET " + target.split("?", maxsplit=1)[0] in log  # the access log is there, and the request in it
    for fragment in (secret, secret.split(".")[-1], session):
        assert fragment not in log


def test_an_unknown_parameter_cannot_forge_a_log_line(send: Send, server: ServerProcess) -> None:
    forged = "FORGED:     127.0.0.1 - admin logged in"
    send(build(EV.encode() + b"&x%0a" + forged.replace(" ", "%20").encode() + b"=1"))
    assert not [line for line in server.output().splitlines() if line.startswith(forged)]


def _serve_without_serving(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """Run ``mockserver serve ARGS`` up to the point of serving; no socket is bound anywhere but loopback."""
    opened: list[socket.socket] = []

    class LoopbackSocket(socket.socket):
        def bind(self, address: Any) -> None:
            # Whatever --host says, the test binds loopback only.
            super().bind(("::1" if self.family == socket.AF_INET6 else "127.0.0.1", 0))
            opened.append(self)

    monkeypatch.setattr(socket, "socket", LoopbackSocket)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    try:
        result = click.testing.CliRunner().invoke(cli.cli, ["serve", "--port", "0", "--count", "5", *args])
    finally:
        for sock in opened:
            sock.close()
    assert result.exit_code == 0, result.output
    return result.output


def test_serve_binds_loopback_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    output = _serve_without_serving(monkeypatch)
    assert "http://127.0.0.1:" in output and "warning" not in output.lower()


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_serve_warns_when_listening_beyond_loopback(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    output = _serve_without_serving(monkeypatch, "--host", host)
    assert f"warning: listening on {host}: the mock is reachable from other machines" in output
