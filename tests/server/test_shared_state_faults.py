"""The Redis store's faults: out of reach at start, lost and back while serving (a restart with no persistence).

A real ``redis-server`` and real servers; the oracle is what clients receive (statuses, bodies, ``/healthz``) and
what the admin routes list before and after.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.data import EVENTS, events_params
from tests.support.redis import RedisServer, redis_server
from tests.support.servers import ServerProcess, free_port, past_crash_loop, start_server
from tests.support.tokens import AUTH

SERVED = ("--count", "200", "--api", "events")


def test_redis_out_of_reach_at_start_is_one_line_and_exit_2() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--port", str(free_port()), "--state", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and url in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RedisServer]:
    server = redis_server(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def replicas(tmp_path: Path, store: RedisServer) -> Iterator[list[ServerProcess]]:
    servers = [start_server(tmp_path, "--workers", "2", "--state", store.url, *SERVED) for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


class Load:
    """Clients asking both replicas for events all along, recording every status and count they receive."""

    def __init__(self, bases: list[str]) -> None:
        self.bases = bases
        self.answers: list[tuple[int, Any]] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(base,)) for base in bases]

    def _run(self, base: str) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.stopping.is_set():
                answer = client.get(f"{base}{EVENTS}", params=events_params(), headers=AUTH)
                self.answers.append((answer.status_code, answer.json().get("count")))

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def _until(check: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)


def _health(base: str) -> Any:
    answer = httpx.get(f"{base}/healthz", timeout=10)
    assert answer.status_code == 200
    return answer.json()["state"]


def test_redis_lost_and_back_under_load(store: RedisServer, replicas: list[ServerProcess]) -> None:
    bases = [server.base for server in replicas]
    for _ in range(5):  # versions of the scenarios that the restarted Redis will not remember
        assert httpx.put(f"{bases[0]}/__mock/scenario", json={"delay": 1}, timeout=10).status_code == 200
        assert httpx.delete(f"{bases[1]}/__mock/scenario", timeout=10).status_code == 204
    assert httpx.put(f"{bases[0]}/__mock/scenario", json={"dataset": "empty"}, timeout=10).status_code == 200
    with Load(bases) as load:
        _until(lambda: len(load.answers) > 20)
        before = max(e["id"] for e in httpx.get(f"{bases[1]}/__mock/requests", timeout=10).json()["requests"])
        store.stop()
        _until(lambda: all(_health(base) == "degraded" for base in bases))
        lost = httpx.get(f"{bases[0]}/__mock/requests", timeout=10)
        assert lost.status_code == 503 and store.url in lost.json()["detail"]
        during = len(load.answers)
        _until(lambda: len(load.answers) > during + 20)  # still answered, with the last known scenario
        store.start()  # empty: no persistence
        _until(lambda: all(_health(base) == "ok" for base in bases))
        listed = httpx.get(f"{bases[1]}/__mock/scenario", timeout=10).json()["scenarios"]
        assert [s["preferences"] for s in listed] == [{"dataset": "empty"}]  # written back by the replicas
        after = len(load.answers)
        _until(lambda: len(load.answers) > after + 20)
    assert {status for status, _ in load.answers} == {200}
    assert {count for _, count in load.answers} == {0}
    entries = httpx.get(f"{bases[0]}/__mock/requests", timeout=10).json()["requests"]
    assert entries and min(e["id"] for e in entries) > before  # ids went on increasing after the restart
    scenario = {"code": 503, "api": "events", "times": 2}  # and a scenario set now reaches every replica
    assert httpx.put(f"{bases[1]}/__mock/scenario", json=scenario, timeout=10).status_code == 200
    statuses = [_events(base) for base in bases * 3]
    assert sorted(statuses) == [200, 200, 200, 200, 503, 503]


def test_a_worker_killed_takes_no_other_worker_s_entries_with_it(tmp_path: Path) -> None:
    """The embedded store: each worker's journal lives in the worker."""
    server = start_server(tmp_path, "--workers", "2", *SERVED)
    forked = time.monotonic()  # (the workers were forked before it answered)
    try:
        with ThreadPoolExecutor(8) as pool:  # fresh connections, concurrently: both workers answer some
            list(pool.map(lambda _: _events(server.base), range(40)))
        entries = _journal(server.base)
        pids = {e["pid"] for e in entries}
        assert len(pids) == 2
        victim = entries[0]["pid"]
        past_crash_loop(forked)
        os.kill(victim, signal.SIGKILL)
        others = {e["id"] for e in entries if e["pid"] != victim}
        assert {e["id"] for e in _journal(server.base)} == others and others
        assert [_events(server.base) for _ in range(10)] == [200] * 10  # and the mock goes on, recording
        assert len(_journal(server.base)) == len(others) + 10
    finally:
        server.stop()


def _events(base: str) -> int:
    with httpx.Client(timeout=10) as fresh:
        return fresh.get(f"{base}{EVENTS}", params=events_params(), headers=AUTH).status_code


def _journal(base: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = httpx.get(f"{base}/__mock/requests", params={"limit": 1000}, timeout=10).json()[
        "requests"
    ]
    return found
