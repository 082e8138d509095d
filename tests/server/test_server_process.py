"""The real server: `mockserver serve` as a process on a free loopback port, queried over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.support.data import EVENTS, INTERVENTIONS, SESSION
from tests.support.servers import Serve, ServerProcess
from tests.support.tokens import AUTH

REQUESTS = [
    (EVENTS, {"from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z", "limit": "7", "page": "3"}, AUTH),
    (
        EVENTS,
        {
            "from": "2024-06-01T00:00:00%2B08:00",
            "to": "2025-06-01T00:00:00Z",
            "orderBy": "created_at",
            "category": "學生",
        },
        AUTH,
    ),
    (
        INTERVENTIONS,
        {
            "scheduledStart": "2024-11-01T00:00:00Z",
            "scheduledEnd": "2025-02-01T00:00:00Z",
            "includeSites": "true",
            "includeCount": "true",
            "pageSize": "13",
            "findId": "77",
        },
        {**AUTH, **SESSION},
    ),
]


def _bodies(base: str) -> list[bytes]:
    bodies = []
    for path, params, headers in REQUESTS:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        response = httpx.get(f"{base}{path}?{query}", headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        bodies.append(response.content)
    return bodies


def test_server_answers_both_apis_and_their_docs(serve: Serve) -> None:
    base = serve("--count", "400")
    bodies = _bodies(base)
    assert all(len(body) > 100 for body in bodies)
    for ui in ("/ui/", "/main/ui/"):
        assert "swagger" in httpx.get(f"{base}{ui}", timeout=10).text.lower()
    assert httpx.get(f"{base}/main/openapi.json", timeout=10).json()["info"]["title"].startswith("Calendar v2 RS")


def test_two_processes_with_the_same_seed_answer_byte_for_byte(serve: Serve) -> None:
    first, second = serve("--seed", "5", "--count", "400"), serve("--seed", "5", "--count", "400")
    assert _bodies(first) == _bodies(second)


def test_another_seed_gives_other_bytes(serve: Serve) -> None:
    first, second = serve("--seed", "5", "--count", "400"), serve("--seed", "6", "--count", "400")
    assert all(a != b for a, b in zip(_bodies(first), _bodies(second), strict=True))


def test_a_single_api_can_be_served(serve: Serve) -> None:
    base = serve("--api", "events", "--count", "50")
    assert httpx.get(f"{base}{INTERVENTIONS}", headers={**AUTH, **SESSION}, timeout=10).status_code == 404


def test_mockserver_pure_serves_the_same_bytes_on_the_python_twins_and_says_so(
    serve_process: Callable[..., ServerProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    native = serve_process("--seed", "5", "--count", "400")
    monkeypatch.setenv("MOCKSERVER_PURE", "1")
    pure = serve_process("--seed", "5", "--count", "400")
    assert "implementation: native code (_bands, _pages, _splitmix, _words)" in native.output()
    assert "implementation: pure Python (MOCKSERVER_PURE=1)" in pure.output()
    assert _bodies(pure.base) == _bodies(native.base)
