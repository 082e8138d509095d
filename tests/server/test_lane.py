"""The fast lane changes nothing a client, the journal or the access log can see: only how fast a page comes.

The oracle is the same server without its lane. Two wirings of the same settings and data each run under uvicorn's
own protocol (``HeadTimeoutProtocol``) fed the same raw request bytes, one with the lane and one without, on a
recording transport; the bytes written, whether the connection was closed, the journal's entries and the access log
must be the same, under each combination of the settings that change the stages around the request stage (CORS,
the journal, the access log, the admin token, response validation). Hypothesis builds the requests from the pools
of ``tests.support.strategies`` (valid, invalid and hostile values, good and bad credentials) and adds what makes
the lane step aside: ``Origin``, ``Prefer``, a body, a forwarded address, ``Connection: close``, HTTP/1.0, a
runtime scenario armed, pipelined requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from starlette.types import Scope
from uvicorn.server import ServerState

from mockserver.apis import table
from mockserver.server.app import Served, build_stores, create_served
from mockserver.server.auth import Access
from mockserver.server.chaos import Chaos
from mockserver.server.lane import Lane
from mockserver.server.protocol import HeadTimeoutProtocol, configure
from mockserver.server.settings import Settings
from tests.support.data import SESSION, events_params, interventions_params
from tests.support.specs import SHIPPED, raw_operation
from tests.support.strategies import requests
from tests.support.threaded import run_in_own_loop
from tests.support.tokens import AUTH
from tests.support.transport import Recording

DEFAULT_HEADERS = [(b"date", b"Sat, 05 Dec 2026 11:00:00 GMT"), (b"server", b"uvicorn")]
EXTRA_HEADERS = [
    ("Origin", "https://app.example"),
    ("Prefer", "code=404"),
    ("Prefer", "dataset=empty"),
    ("Content-Length", "0"),
    ("X-Forwarded-For", "203.0.113.7"),
    ("Connection", "close"),
    ("Accept", "application/json"),
]


class Side:
    """One wiring under uvicorn's protocol, with its lane or without."""

    def __init__(self, served: Served, with_lane: bool, broken: bool = False) -> None:
        assert served.lane is not None
        self.lane = lane = served.lane
        self.hits = 0  # requests the lane answered

        def counted(scope: Scope) -> tuple[bytes, bytes] | None:
            if broken:
                raise RuntimeError("a defect of the lane")
            answer = lane(scope)
            self.hits += answer is not None
            return answer

        self.config = configure(
            uvicorn.Config(served.app, lifespan="off", access_log=False, log_level="warning"),
            5.0,
            counted if with_lane else None,
        )

    def answer(
        self, raw: bytes, half_close: bool = False, unread: bool = False
    ) -> tuple[bytes, bool, int, list[dict[str, Any]], str]:
        """The bytes written for ``raw``, whether the connection closed, how many of its requests the lane answered,
        the journal's new entries (less their clock readings) and the access log's lines. ``half_close``: the client
        half-closes after sending; ``unread``: it reads nothing (what is written stays in the transport's buffer)."""
        hits, journal = self.hits, self.lane.journal
        last = max((e.id for e in journal.select()), default=0) if journal is not None else 0
        log = io.StringIO()

        async def run() -> list[tuple[str, bytes]]:
            state = ServerState()
            state.default_headers = list(DEFAULT_HEADERS)
            protocol = HeadTimeoutProtocol(self.config, state, {}, asyncio.get_running_loop())
            socket = Recording(unread=unread)
            protocol.connection_made(socket)
            protocol.data_received(raw)
            if half_close and not protocol.eof_received():
                socket.close()  # what asyncio does when eof_received returns a false value
            for _ in range(5000):  # the app's tasks (Connexion writes a problem in a worker thread)
                if not protocol.tasks and not protocol.pipeline:
                    break
                await asyncio.sleep(0.001)
            await asyncio.sleep(0)  # the end of the turn sends what is held
            calls = list(socket.calls)  # before the client goes (uvicorn then closes the transport)
            protocol.connection_lost(None)
            return calls

        with contextlib.redirect_stderr(log):
            calls = run_in_own_loop(run)
        entries = (
            [
                {k: v for k, v in journal.render(e).items() if k not in ("time", "durationMs")}
                for e in journal.select(since=last)
            ]
            if journal is not None
            else []
        )
        written = b"".join(data for kind, data in calls if kind == "write")
        return written, ("close", b"") in calls, self.hits - hits, entries, log.getvalue()


@pytest.fixture(scope="module")
def sides() -> Iterator[tuple[Side, Side]]:
    config = Settings(count=200, seed=3, access_log=True)
    stores = build_stores(config)
    yield Side(create_served(config, stores), True), Side(create_served(config, stores), False)


# Each combination of the settings that change the stages around the request stage.
STAGE_SETTINGS = [
    {"cors_origins": cors, "journal": journal, "access_log": log, "admin_token": token, "validate_responses": validate}
    for cors in ((), ("*",))
    for journal in (0, 100)
    for log in (False, True)
    for token in (None, "admin-secret")
    for validate in (False, True)
]


def _named(options: dict[str, Any]) -> str:
    return "-".join(f"{name}={'on' if value else 'off'}" for name, value in options.items())


@pytest.fixture(scope="module")
def stores() -> dict[str, Any]:
    return build_stores(Settings(count=200, seed=3))


@pytest.fixture(scope="module", params=STAGE_SETTINGS, ids=[_named(options) for options in STAGE_SETTINGS])
def staged(request: pytest.FixtureRequest, stores: Any) -> tuple[Settings, Side, Side]:
    config = Settings(count=200, seed=3, **request.param)
    return config, Side(create_served(config, stores), True), Side(create_served(config, stores), False)


def _raw(url: str, headers: dict[str, str], extra: list[tuple[str, str]], version: str) -> bytes:
    lines = [f"GET {url} HTTP/{version}", "host: mock.test", *(f"{k}: {v}" for k, v in headers.items())]
    lines += [f"{k}: {v}" for k, v in extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@st.composite
def pages(draw: st.DrawFn, api: str) -> tuple[str, dict[str, str]]:
    """A valid request for a page: a window, a page and its size, an order (the requests the lane answers)."""
    _, op = raw_operation(api)
    names = {p["name"] for p in op["parameters"]}
    params = events_params() if api == "events" else interventions_params()
    for name, values in (("limit", ("1", "7", "50")), ("pageSize", ("1", "7", "50")), ("page", ("1", "2", "4"))):
        if name in names:
            params[name] = draw(st.sampled_from(values))
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{table(api).base_path}{raw_operation(api)[0]}?{query}", {**AUTH, **SESSION}


@st.composite
def raw_requests(draw: st.DrawFn) -> bytes:
    """One to three requests sent together, each plain or with what the lane leaves to the app."""
    chunks = []
    for _ in range(draw(st.integers(1, 3))):
        api = draw(st.sampled_from(SHIPPED))
        url, headers = draw(pages(api) | requests(api))
        extra = draw(st.lists(st.sampled_from(EXTRA_HEADERS), max_size=2, unique_by=lambda h: h[0]))
        plain = draw(st.integers(0, 3)) > 0
        chunks.append(_raw(url, headers, [] if plain else extra, draw(st.sampled_from(["1.1", "1.1", "1.0"]))))
    return b"".join(chunks)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw=raw_requests(),
    scenario=st.sampled_from([None, None, None, {"dataset": "empty"}, {"code": 401}]),
    half_close=st.booleans(),
    unread=st.booleans(),
)
def test_the_lane_answers_exactly_as_the_app(
    sides: tuple[Side, Side], raw: bytes, scenario: dict[str, Any] | None, half_close: bool, unread: bool
) -> None:
    _same_answers(sides, raw, scenario, half_close, unread)


def _same_answers(
    sides: tuple[Side, Side], raw: bytes, scenario: dict[str, Any] | None, half_close: bool, unread: bool
) -> None:
    lane, app = sides
    for side in sides:
        if scenario is not None:
            side.lane.book.put(scenario, None, None, None, 1)
    try:
        fast, slow = lane.answer(raw, half_close, unread), app.answer(raw, half_close, unread)
    finally:
        for side in sides:
            side.lane.book.clear()
    event(f"the lane answered {fast[2]} of {raw.count(b'GET ')}")
    assert (slow[2] == 0 and fast[0].count(b"HTTP/1.1 ") == raw.count(b"GET ")) or fast[1]  # each answered, or closed
    assert (fast[0], fast[1], fast[3], fast[4]) == (slow[0], slow[1], slow[3], slow[4])


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw=raw_requests(),
    scenario=st.sampled_from([None, None, {"code": 401}]),
    half_close=st.booleans(),
    unread=st.booleans(),
)
def test_under_each_stage_setting_the_lane_answers_exactly_as_the_app(
    staged: tuple[Settings, Side, Side], raw: bytes, scenario: dict[str, Any] | None, half_close: bool, unread: bool
) -> None:
    _same_answers(staged[1:], raw, scenario, half_close, unread)


def _plain(api: str = "events") -> bytes:
    query = "&".join(f"{k}={v}" for k, v in events_params(limit=3).items())
    return _raw(f"{table(api).base_path}/events?{query}", AUTH, [], "1.1")


def test_under_each_stage_setting_a_plain_page_is_the_lanes_and_the_same(staged: tuple[Settings, Side, Side]) -> None:
    """A plain page is the lane's (unless responses are validated: then the app's) and written the same either way."""
    config, lane, app = staged
    fast, slow = lane.answer(_plain() * 2), app.answer(_plain() * 2)
    assert fast[2] == (0 if config.validate_responses else 2) and fast[0].count(b"HTTP/1.1 200 OK\r\n") == 2
    assert (fast[0], fast[1], fast[3], fast[4]) == (slow[0], slow[1], slow[3], slow[4])


def test_a_plain_page_is_answered_by_the_lane_without_an_asgi_task(sides: tuple[Side, Side]) -> None:
    lane, app = sides
    fast, slow = lane.answer(_plain() * 2), app.answer(_plain() * 2)
    assert (fast[2], slow[2]) == (2, 0)
    assert fast[0] == slow[0] and fast[0].count(b"HTTP/1.1 200 OK\r\n") == 2
    assert [e["status"] for e in fast[3]] == [200, 200] and fast[4].count('" 200\n') == 2


@pytest.mark.parametrize(
    ("extra", "version"),
    [([("Origin", "https://app.example")], "1.1"), ([("Prefer", "dataset=empty")], "1.1"), ([], "1.0")],
)
def test_what_the_lane_leaves_to_the_app_still_gets_the_same_answer(
    sides: tuple[Side, Side], extra: list[tuple[str, str]], version: str
) -> None:
    query = "&".join(f"{k}={v}" for k, v in events_params().items())
    raw = _raw(f"/events?{query}", AUTH, extra, version)
    fast, slow = (side.answer(raw) for side in sides)
    assert fast[0] == slow[0] and fast[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert fast[2] == (version == "1.0")  # HTTP/1.0 is plain: the lane answers it, and closes
    assert fast[1] == (version == "1.0") and (b"connection: close\r\n" in fast[0]) == (version == "1.0")


@pytest.mark.parametrize(
    ("query", "headers", "by_the_lane"),
    [
        ("limit=3", AUTH, 1),
        ("limit=3", {"Authorization": "Bearer not-a-token"}, 0),
        ("limit=3", {}, 0),
        ("limit=oops", AUTH, 0),
        ("limit=3", {**AUTH, "Prefer": "dataset=empty"}, 0),
    ],
    ids=["served-by-the-lane", "token-refused", "no-token", "parameter-refused", "prefer-left-to-the-app"],
)
def test_a_requests_credentials_are_decided_once(
    sides: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch, query: str, headers: dict[str, str], by_the_lane: int
) -> None:
    """Whether the lane answers, declines before or after judging the credentials, the decision is made once."""
    decisions: list[list[str]] = []
    check = Access.check

    def counted(access: Access, authenticator: Any, authorization: list[str]) -> None:
        decisions.append(list(authorization))
        check(access, authenticator, authorization)

    monkeypatch.setattr(Access, "check", counted)
    params = "&".join(f"{k}={v}" for k, v in events_params().items())
    answered = sides[0].answer(_raw(f"/events?{params}&{query}", headers, [], "1.1"))
    assert (len(decisions), answered[2]) == (1, by_the_lane)


def test_a_refusal_is_left_to_the_app_and_recorded_once(sides: tuple[Side, Side]) -> None:
    raw = _raw("/events?from=yesterday", AUTH, [], "1.1")
    fast, slow = (side.answer(raw) for side in sides)
    assert fast[0] == slow[0] and fast[0].startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert fast[2] == 0 and len(fast[3]) == 1 and fast[3][0]["explanation"]["kind"] == "refused"


def test_with_chaos_on_there_is_no_lane() -> None:
    stores = build_stores(Settings(count=10, apis=("events",)))
    plain = create_served(Settings(count=10, apis=("events",)), stores)
    chaotic = create_served(Settings(count=10, apis=("events",), chaos=Chaos(fault_rate=0.5)), stores)
    assert isinstance(plain.lane, Lane) and chaotic.lane is None


def test_each_answer_carries_uvicorns_headers_of_the_moment(sides: tuple[Side, Side]) -> None:
    """uvicorn dates its default headers again every second (a new list): the lane's next answer has the new date."""
    later = [(b"date", b"Sat, 05 Dec 2026 11:00:01 GMT"), (b"server", b"uvicorn")]

    async def run() -> bytes:
        state = ServerState()
        state.default_headers = list(DEFAULT_HEADERS)
        protocol = HeadTimeoutProtocol(sides[0].config, state, {}, asyncio.get_running_loop())
        socket = Recording()
        protocol.connection_made(socket)
        protocol.data_received(_plain())
        state.default_headers = later
        protocol.data_received(_plain())
        await asyncio.sleep(0)
        protocol.connection_lost(None)
        return b"".join(data for kind, data in socket.calls if kind == "write")

    first, second = run_in_own_loop(run).split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert first.startswith(b"date: Sat, 05 Dec 2026 11:00:00 GMT\r\nserver: uvicorn\r\n")
    assert second.startswith(b"date: Sat, 05 Dec 2026 11:00:01 GMT\r\nserver: uvicorn\r\n")


def test_with_the_journal_off_the_lane_still_writes_the_access_log() -> None:
    config = Settings(count=50, apis=("events",), journal=0, access_log=True)
    stores = build_stores(config)
    lane, app = (Side(create_served(config, stores), with_lane) for with_lane in (True, False))
    fast, slow = lane.answer(_plain() * 2), app.answer(_plain() * 2)
    assert fast[2] == 2 and (fast[0], fast[1], fast[4]) == (slow[0], slow[1], slow[4])
    assert fast[4].count('" 200\n') == 2 and fast[3] == slow[3] == []


def test_a_failing_lane_leaves_each_request_to_the_app_and_is_logged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(HeadTimeoutProtocol, "lane_failure_logged", False)
    config = Settings(count=50, apis=("events",), access_log=True)
    stores = build_stores(config)
    broken, app = Side(create_served(config, stores), True, broken=True), Side(create_served(config, stores), False)
    logged: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = logged.append  # type: ignore[method-assign,assignment]
    logger = logging.getLogger("uvicorn.error")  # the protocol's logger (uvicorn's own handlers stop propagation)
    logger.addHandler(handler)
    try:
        fast, slow = broken.answer(_plain() * 2), app.answer(_plain() * 2)
    finally:
        logger.removeHandler(handler)
    assert fast[2] == 0 and (fast[0], fast[1], fast[3], fast[4]) == (slow[0], slow[1], slow[3], slow[4])
    assert fast[0].count(b"HTTP/1.1 200 OK\r\n") == 2
    assert (
        len(logged) == 1
        and logged[0].exc_info is not None
        and "fast lane failed on GET /events" in logged[0].getMessage()
    )


def test_a_client_that_does_not_read_gets_the_same_bytes_once_the_lane_steps_aside(
    sides: tuple[Side, Side],
) -> None:
    """Past 64 KiB of answers held for a client that reads nothing, the lane leaves the rest to the app (which waits
    for the client): the same bytes either way."""
    query = "&".join(f"{k}={v}" for k, v in events_params(limit=50).items())
    raw = _raw(f"/events?{query}", AUTH, [], "1.1") * 40
    lane, app = sides
    fast, slow = lane.answer(raw, unread=True), app.answer(raw, unread=True)
    assert 0 < fast[2] < 40  # the lane answered the first ones, then stepped aside
    entries = [[{k: v for k, v in e.items() if k != "id"} for e in side[3]] for side in (fast, slow)]  # ids: history
    assert (fast[0], fast[1], entries[0], fast[4]) == (slow[0], slow[1], entries[1], slow[4])
    answered = fast[0].count(b"HTTP/1.1 200 ")
    # Beyond 32 requests queued unanswered nothing more is read: those read are answered, in order, then it closes.
    assert (answered, fast[0].count(b"HTTP/1.1 "), fast[1]) == (32, 32, True)
