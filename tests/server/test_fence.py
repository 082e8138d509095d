"""Each stage around the request stage keeps to the fence it declares: a GET of an API operation that carries none
of the headers the stage acts on is passed on untouched, and its answer gains exactly the headers the stage adds.

The stages are taken as Connexion holds them in the app ``create_served`` builds (each inserted outside Connexion's
exception stage), under settings that between them insert every one that lets a lane exist; the oracle is a
recording app put behind the stage, with an answer of its own. Nested, the stages' fences make the lane's
(``Fence.around``), whose laws close the module.
"""

from __future__ import annotations

import contextlib
import io
from functools import partial
from typing import Any, cast

import pytest
from connexion.middleware.exceptions import ExceptionMiddleware
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.types import Message, Receive, Scope, Send

from mockserver.server.app import build_stores, create_served
from mockserver.server.fence import Fence, Fenced
from mockserver.server.pipeline import RequestStage
from mockserver.server.settings import Settings
from tests.support.threaded import run_in_own_loop

CONFIGS = {
    "journal-and-cors": Settings(count=10, apis=("events",), access_log=True),
    "access-log-alone-and-admin-token": Settings(
        count=10, apis=("events",), journal=0, access_log=True, admin_token="admin-secret", cors_origins=()
    ),
}
POOL = [  # what a client may send, including every header some stage acts on
    (b"origin", b"https://app.example"),
    (b"prefer", b"code=503"),
    (b"access-control-request-method", b"GET"),
    (b"authorization", b"Bearer abc"),
    (b"host", b"mock.test"),
    (b"x-forwarded-for", b"203.0.113.7"),
    (b"x-forwarded-proto", b"https"),
    (b"expect", b"100-continue"),
    (b"content-length", b"0"),
    (b"accept", b"application/json"),
    (b"x-session-token", b"alice"),
]
ANSWER = [(b"content-type", b"application/json"), (b"content-length", b"2")]


def _outer_stages(config: Settings) -> list[partial[Any]]:
    """The stages the app inserted outside Connexion's exception stage, as Connexion holds them (class and options)."""
    app = create_served(config, build_stores(config)).app
    middlewares = app.middleware.middlewares
    outer = middlewares[: middlewares.index(ExceptionMiddleware)]
    return [m for m in outer if isinstance(m, partial)]


STAGES = {
    f"{name}-{stage.func.__name__}": stage
    for name, config in CONFIGS.items()
    for stage in _outer_stages(config)
    if stage.func is not RequestStage  # the stage that answers: test_lane holds the lane to it
}


def test_the_settings_insert_each_stage_a_lane_lives_with() -> None:
    names = {stage.func.__name__ for stage in STAGES.values()}
    assert names == {"JournalStage", "AccessLog", "AdminGuard", "_CorsOutsideAdmin"}


async def _through(stage: partial[Any], headers: list[tuple[bytes, bytes]]) -> tuple[list[Any], list[Message]]:
    """What reached the app behind ``stage`` (the headers of each request it saw), and what the client was sent."""
    seen: list[Any] = []
    sent: list[Message] = []

    async def behind(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(list(scope["headers"]))
        await send({"type": "http.response.start", "status": 200, "headers": list(ANSWER)})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/events",
        "raw_path": b"/events",
        "root_path": "",
        "query_string": b"from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z",
        "headers": headers,
        "http_version": "1.1",
        "scheme": "http",
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    await stage(behind)(scope, receive, send)
    return seen, sent


@pytest.mark.parametrize("stage", STAGES.values(), ids=list(STAGES))
@settings(max_examples=15, deadline=None)
@given(headers=st.lists(st.sampled_from(POOL), max_size=6, unique_by=lambda h: h[0]))
def test_a_stage_passes_on_a_request_it_does_not_act_on_and_adds_what_it_declares(
    stage: partial[Any], headers: list[tuple[bytes, bytes]]
) -> None:
    fence = cast(type[Fenced], stage.func).fence  # a stage's class (Connexion types it as any ASGI app)
    plain = [(name, value) for name, value in headers if name not in fence.acts_on]
    with contextlib.redirect_stderr(io.StringIO()):  # the access log's line is not what is checked here
        seen, sent = run_in_own_loop(lambda: _through(stage, list(plain)))
    assert seen == [plain]
    assert [(m["type"], m.get("status"), m.get("headers"), m.get("body")) for m in sent] == [
        ("http.response.start", 200, [*ANSWER, *fence.adds], None),
        ("http.response.body", None, None, b"{}"),
    ]


HEADERS = st.frozensets(st.sampled_from([name for name, _ in POOL]), max_size=3)
ADDED = st.lists(st.sampled_from([(b"vary", b"Origin"), (b"x-one", b"1"), (b"x-two", b"2")]), max_size=1)
FENCES = st.builds(Fence, HEADERS, ADDED.map(tuple), st.booleans())


@given(fences=st.lists(FENCES, max_size=4))
def test_nested_stages_act_on_what_any_of_them_acts_on_and_add_theirs_innermost_first(fences: list[Fence]) -> None:
    added = [pair for fence in fences for pair in fence.adds]
    if len({name for name, _ in added}) < len(added):
        with pytest.raises(ValueError, match="the same response header"):
            Fence.around(fences)
        return
    nested = Fence.around(fences)
    assert nested.acts_on == {name for fence in fences for name in fence.acts_on}
    assert list(nested.adds) == [pair for fence in reversed(fences) for pair in fence.adds]
    assert nested.every_request == any(fence.every_request for fence in fences)
