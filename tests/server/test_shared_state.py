"""One state for the whole mock: scenarios and the journal shared by every process that serves it.

Each test runs against both stores: the embedded one (``mockserver serve --workers 2``) and Redis (a real
``redis-server`` and two servers sharing it, one of them with two workers). Requests go over HTTP on fresh
connections, so that the kernel hands them to every worker, and alternate between the servers; the oracle is what
the clients received (statuses, and the pids the journal names, which must be the servers' own worker processes).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support.data import EVENTS, events_params
from tests.support.redis import redis_server
from tests.support.servers import ServerProcess, start_server
from tests.support.tokens import AUTH

REQUESTS = 40
CLIENTS = 8  # concurrent clients, each request on a new connection: both workers take some


@dataclass(frozen=True)
class Mock:
    """The processes of one mock, and the URLs to reach it (one per server)."""

    bases: tuple[str, ...]
    servers: tuple[ServerProcess, ...]

    def base(self, n: int) -> str:
        return self.bases[n % len(self.bases)]

    def workers(self) -> set[int]:
        """The pids of the processes that serve: each supervisor's children, or the server itself without workers."""
        found: set[int] = set()
        for server in self.servers:
            children = f"/proc/{server.process.pid}/task/{server.process.pid}/children"
            with open(children, encoding="ascii") as listed:
                found |= {int(pid) for pid in listed.read().split()} or {server.process.pid}
        return found


SERVED = ("--count", "200", "--api", "events")


@pytest.fixture(scope="module", params=["embedded", "redis"])
def mock(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    directory = tmp_path_factory.mktemp(request.param)
    with contextlib.ExitStack() as stack:
        if request.param == "embedded":
            server = start_server(directory, "--workers", "2", *SERVED)
            stack.callback(server.stop)
            yield Mock((server.base,), (server,))
            return
        store = redis_server(directory)
        stack.callback(store.stop)
        servers = []
        for workers in ("1", "2"):
            servers.append(start_server(directory, "--workers", workers, "--state", store.url, *SERVED))
            stack.callback(servers[-1].stop)
        yield Mock(tuple(s.base for s in servers), tuple(servers))


@pytest.fixture(autouse=True)
def clean(mock: Mock) -> None:
    assert httpx.delete(f"{mock.base(0)}/__mock/scenario", timeout=10).status_code == 204
    assert httpx.delete(f"{mock.base(0)}/__mock/requests", timeout=10).status_code == 204


def _get(url: str, **kwargs: Any) -> httpx.Response:
    with httpx.Client(timeout=10) as fresh:  # a new connection: any worker may take it
        return fresh.get(url, **kwargs)


def _events(mock: Mock, count: int = REQUESTS) -> list[int]:
    """``count`` events requests spread over the mock's servers and workers: their statuses, in order sent."""

    def one(n: int) -> int:
        return _get(f"{mock.base(n)}{EVENTS}", params=events_params(), headers=AUTH).status_code

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(one, range(count)))


def _put(mock: Mock, n: int, **scenario: Any) -> None:
    with httpx.Client(timeout=10) as fresh:
        assert fresh.put(f"{mock.base(n)}/__mock/scenario", json=scenario).status_code == 200


def _journal(mock: Mock, n: int, **filters: Any) -> list[dict[str, Any]]:
    answer = _get(f"{mock.base(n)}/__mock/requests", params={"limit": 1000, **filters})
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["requests"]
    return found


def test_a_scenario_applies_to_every_following_request_on_every_process(mock: Mock) -> None:
    _put(mock, 0, code=503, api="events")
    assert Counter(_events(mock)) == {503: REQUESTS}
    assert {e["pid"] for e in _journal(mock, 1)} == mock.workers()  # both workers answered some


def test_times_is_applied_exactly_that_many_times_in_total(mock: Mock) -> None:
    _put(mock, 1, code=503, times=5)
    assert Counter(_events(mock)) == {503: 5, 200: REQUESTS - 5}


def test_a_delete_through_any_process_ends_the_scenario_everywhere(mock: Mock) -> None:
    _put(mock, 0, dataset="empty")
    with httpx.Client(timeout=10) as fresh:
        assert fresh.delete(f"{mock.base(1)}/__mock/scenario").status_code == 204
    counts = {_get(f"{mock.base(n)}{EVENTS}", params=events_params(), headers=AUTH).json()["count"] for n in range(20)}
    assert 0 not in counts


def test_the_most_specific_scenario_wins_across_processes(mock: Mock) -> None:
    _put(mock, 0, code=503)
    _put(mock, 1, code=403, api="events")
    assert Counter(_events(mock, 20)) == {403: 20}


def test_the_journal_lists_every_request_with_its_worker_and_host(mock: Mock) -> None:
    statuses = _events(mock)
    entries = _journal(mock, 0, api="events")
    assert len(entries) == REQUESTS == len(statuses)
    ids = [e["id"] for e in entries]
    assert ids == sorted(set(ids), reverse=True)  # newest first, no id twice
    assert {e["pid"] for e in entries} == mock.workers()
    assert all(e["host"] for e in entries)


def test_count_and_filters_work_over_every_process(mock: Mock) -> None:
    _put(mock, 0, code=503, times=3)
    _events(mock, 12)
    count = _get(f"{mock.base(1)}/__mock/requests/count", params={"api": "events"}).json()["count"]
    refused = _get(f"{mock.base(0)}/__mock/requests/count", params={"status": 503}).json()["count"]
    assert (count, refused, len(_journal(mock, 1, status=200))) == (12, 3, 9)


def test_one_entry_is_found_through_any_process(mock: Mock) -> None:
    _events(mock, 10)
    for entry in _journal(mock, 0):
        found = _get(f"{mock.base(1)}/__mock/requests/{entry['id']}")
        assert (found.status_code, found.json()["pid"]) == (200, entry["pid"])


def test_clearing_the_journal_clears_every_process(mock: Mock) -> None:
    _events(mock, 10)
    with httpx.Client(timeout=10) as fresh:
        assert fresh.delete(f"{mock.base(1)}/__mock/requests").status_code == 204
    assert _journal(mock, 0) == []
