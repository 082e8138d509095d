"""One write per answer: the protocol's transport sends what one turn of the event loop wrote, at its end, at once.

The oracle is the list of calls the socket's transport received: a recording transport stands for it, under
uvicorn's own protocol (``HeadTimeoutProtocol``) fed raw request bytes, and under ``BatchedWrites`` directly.
"""

from __future__ import annotations

import asyncio

import uvicorn
from starlette.types import Receive, Scope, Send
from uvicorn.server import ServerState

from mockserver.server.protocol import BatchedWrites, HeadTimeoutProtocol, configure
from tests.support.threaded import run_in_own_loop
from tests.support.transport import Recording

REQUEST = b"GET /x HTTP/1.1\r\nhost: localhost\r\n\r\n"


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
    await send({"type": "http.response.body", "body": b"hello"})


def _serve(requests: bytes) -> list[tuple[str, bytes]]:
    """The calls the socket's transport receives while uvicorn's protocol answers ``requests``."""

    async def run() -> list[tuple[str, bytes]]:
        config = configure(uvicorn.Config(_app, lifespan="off", access_log=False, log_level="warning"), 5.0)
        protocol = HeadTimeoutProtocol(config, ServerState(), {}, asyncio.get_running_loop())
        socket = Recording()
        protocol.connection_made(socket)
        protocol.data_received(requests)
        for _ in range(20):  # the app's task, then the end of the turn
            await asyncio.sleep(0)
        protocol.connection_lost(None)
        return socket.calls

    return run_in_own_loop(run)


def test_an_answer_is_one_write_of_its_head_and_body() -> None:
    calls = _serve(REQUEST)
    writes = [data for kind, data in calls if kind == "write"]
    assert len(writes) == 1 and calls[0][0] == "write"
    head, _, body = writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and body == b"hello"


def test_pipelined_requests_get_their_answers_in_order() -> None:
    calls = _serve(REQUEST * 3)
    sent = b"".join(data for kind, data in calls if kind == "write")
    assert sent.count(b"HTTP/1.1 200 OK") == 3 and sent.endswith(b"hello")
    assert [chunk.endswith(b"hello") for chunk in sent.split(b"HTTP/1.1 ")[1:]] == [True] * 3


def test_closing_sends_what_is_held_first() -> None:
    async def run() -> list[tuple[str, bytes]]:
        socket = Recording()
        batched = BatchedWrites(socket, asyncio.get_running_loop())
        batched.write(b"a")
        batched.writelines([b"b", b"c"])
        assert socket.calls == [] and batched.get_write_buffer_size() == 3
        batched.close()
        await asyncio.sleep(0)  # the end of the turn finds nothing left to send
        return socket.calls

    assert run_in_own_loop(run) == [("write", b"abc"), ("close", b"")]


def test_a_connection_closed_meanwhile_or_aborted_gets_nothing_more() -> None:
    async def run() -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
        loop = asyncio.get_running_loop()
        closed, aborted = Recording(), Recording()
        first, second = BatchedWrites(closed, loop), BatchedWrites(aborted, loop)
        first.write(b"late")
        closed.closing = True  # the client went away before the end of the turn
        second.write(b"dropped")
        second.abort()
        await asyncio.sleep(0)
        return closed.calls, aborted.calls

    assert run_in_own_loop(run) == ([], [("abort", b"")])
