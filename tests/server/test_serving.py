"""Serving modes: several workers, forked from one build of the data, serve identical bytes and share the data's
memory; a worker that dies is replaced; --reload picks up a changed fixture file."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson

from tests.support.data import EVENTS, events_params
from tests.support.servers import ServerProcess, past_crash_loop
from tests.support.tokens import AUTH


def _bodies(base: str, n: int) -> set[bytes]:
    # New connections each time, so that both workers answer some.
    return {
        httpx.get(f"{base}{EVENTS}", params=events_params(limit="20", page="2"), headers=AUTH).content for _ in range(n)
    }


def _worker_pids(base: str, n: int = 40) -> set[int]:
    """The pids that answered ``n`` requests on fresh connections (the journal's listing names its worker)."""
    return {httpx.get(f"{base}/__mock/requests", params={"limit": "1"}).json()["pid"] for _ in range(n)}


def _memory_kb(pid: int) -> dict[str, int]:
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return {m[0]: int(m[1]) for m in re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.MULTILINE)}


def test_two_workers_serve_the_bytes_one_worker_serves(serve_process: Callable[..., ServerProcess]) -> None:
    one = serve_process("--seed", "9", "--count", "300")
    two = serve_process("--seed", "9", "--count", "300", "--workers", "2")
    assert len(_worker_pids(two.base)) == 2  # both answer
    assert _bodies(two.base, 12) == _bodies(one.base, 1)


def test_workers_share_the_data_built_once(serve_process: Callable[..., ServerProcess]) -> None:
    """Forked after the build, a worker's data pages are the supervisor's (shared, copy-on-write): most of a
    worker's anonymous memory is shared. Spawned workers that build their own data share none of it."""
    server = serve_process("--count", "300000", "--workers", "2")
    for pid in _worker_pids(server.base):
        memory = _memory_kb(pid)
        assert memory["Shared_Dirty"] > memory["Anonymous"] / 2, memory


def test_a_worker_that_dies_is_replaced(serve_process: Callable[..., ServerProcess]) -> None:
    server = serve_process("--seed", "9", "--count", "300", "--workers", "2")
    forked = time.monotonic()  # (the workers were forked before it answered)
    before = _bodies(server.base, 1)
    victim = min(_worker_pids(server.base))
    past_crash_loop(forked)
    os.kill(victim, signal.SIGKILL)
    for _ in range(200):  # bounded wait for the replacement (polled, not timed)
        pids = _worker_pids(server.base, 20)
        if len(pids) == 2 and victim not in pids:
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"no replacement for worker {victim}:\n{server.output()}")
    assert _bodies(server.base, 6) == before


def test_sigterm_stops_every_worker(serve_process: Callable[..., ServerProcess]) -> None:
    server = serve_process("--count", "300", "--workers", "2")
    workers = _worker_pids(server.base)
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text(), pid


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
