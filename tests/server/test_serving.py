"""Serving modes: several workers serve identical data; --reload picks up a changed fixture file."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson

from tests.conftest import AUTH, EVENTS, ServerProcess, events_params


def _bodies(base: str, n: int) -> set[bytes]:
    # New connections each time, so that both workers answer some.
    return {
        httpx.get(f"{base}{EVENTS}", params=events_params(limit="20", page="2"), headers=AUTH).content for _ in range(n)
    }


def test_two_workers_serve_the_bytes_one_worker_serves(serve_process: Callable[..., ServerProcess]) -> None:
    one = serve_process("--seed", "9", "--count", "300")
    two = serve_process("--seed", "9", "--count", "300", "--workers", "2")
    assert _bodies(two.base, 12) == _bodies(one.base, 1)


def test_reload_serves_a_changed_fixture_file(serve_process: Callable[..., ServerProcess], tmp_path: Path) -> None:
    first = dict(
        id="a",
        created_at="2024-12-01T00:00:00Z",
        updated_at="2024-12-01T00:00:00Z",
        summary="first",
        description=None,
        location=None,
        category="學生",
        start="2024-12-02T00:00:00Z",
        end="2024-12-02T01:00:00Z",
        link=None,
    )
    fixture = tmp_path / "events.json"
    fixture.write_bytes(orjson.dumps([first]))
    server = serve_process("--fixtures", f"events={fixture}", "--reload")
    url = f"{server.base}{EVENTS}"
    assert httpx.get(url, params=events_params(), headers=AUTH).json()["events"][0]["summary"] == "first"
    fixture.write_bytes(orjson.dumps([{**first, "summary": "second"}]))
    for _ in range(200):  # bounded: the watcher notices within a second or two
        try:
            events = httpx.get(url, params=events_params(), headers=AUTH).json()["events"]
            if events[0]["summary"] == "second":
                break
        except httpx.TransportError:
            pass  # the worker is restarting
        time.sleep(0.1)
    else:
        raise AssertionError(server.output())
