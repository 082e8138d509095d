"""Server-wide chaos: latency is a function of the request, faults follow a seeded sequence, only API paths."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from mockserver.server.chaos import Chaos
from tests.support.clients import ClientFactory
from tests.support.data import EVENTS, events_params
from tests.support.servers import ServerProcess
from tests.support.tokens import AUTH


def _scope(query: bytes) -> dict[str, object]:
    return {"method": "GET", "path": EVENTS, "query_string": query}


def test_latency_is_the_same_for_the_same_request_and_within_range() -> None:
    chaos = Chaos(latency_ms=(100, 200), seed=3)
    delays = [chaos.delay_s(_scope(f"page={n}".encode())) for n in range(200)]
    assert delays == [chaos.delay_s(_scope(f"page={n}".encode())) for n in range(200)]
    assert all(0.1 <= d <= 0.2 for d in delays) and len(set(delays)) > 50


def test_fault_sequence_is_seeded_and_near_its_rate() -> None:
    faults = [Chaos(fault_rate=0.3, seed=1).faults(n) for n in range(2000)]
    assert faults == [Chaos(fault_rate=0.3, seed=1).faults(n) for n in range(2000)]
    assert 500 < sum(faults) < 700


def test_503_faults_are_documented_problems_and_spare_the_health_check(make_client: ClientFactory) -> None:
    client = make_client(chaos=Chaos(fault_rate=1.0, fault="503"))
    response = client.get(EVENTS, params=events_params(), headers=AUTH)
    assert (response.status_code, response.headers["retry-after"]) == (503, "1")
    assert response.json()["title"] == "Service Unavailable"
    assert client.get("/healthz").status_code == 200


def test_no_chaos_by_default(client: httpx.Client) -> None:
    assert all(client.get(EVENTS, params=events_params(), headers=AUTH).status_code == 200 for _ in range(20))


@pytest.fixture
def plain(serve_process: Callable[..., ServerProcess]) -> bytes:
    server = serve_process("--count", "200")
    return httpx.get(f"{server.base}{EVENTS}", params=events_params(limit="50"), headers=AUTH).content


def test_reset_drops_the_connection_after_the_headers(serve_process: Callable[..., ServerProcess]) -> None:
    server = serve_process("--count", "200", "--fault-rate", "1", "--fault", "reset")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{server.base}{EVENTS}", params=events_params(limit="50"), headers=AUTH, timeout=10)
    assert "Traceback" not in server.output()
    assert httpx.get(f"{server.base}/healthz").status_code == 200


def test_slow_body_delivers_the_whole_answer(serve_process: Callable[..., ServerProcess], plain: bytes) -> None:
    server = serve_process("--count", "200", "--fault-rate", "1", "--fault", "slow-body")
    chunks = []
    with httpx.stream(
        "GET", f"{server.base}{EVENTS}", params=events_params(limit="50"), headers=AUTH, timeout=30
    ) as response:
        chunks = list(response.iter_raw())
    assert b"".join(chunks) == plain and len(chunks) > 5
