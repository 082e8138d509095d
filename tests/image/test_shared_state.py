"""Two replicas of the image sharing one state through a Redis container (``make image-test``).

The Redis image is built from the same local base as the mock's (``deploy/podman/Containerfile.redis``); the replicas
join its network namespace (``--network container:``) and reach it on 127.0.0.1, as pods of one Service reach their
Redis. They listen beyond loopback, so their admin routes need the admin token, given through the environment.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from mockserver.core.tokens import mint_token
from tests.support.servers import free_port

IMAGE = os.environ.get("MOCKSERVER_IMAGE", "")
REDIS_IMAGE = os.environ.get("MOCKSERVER_REDIS_IMAGE", "")
ADMIN = "image-test-admin-token"
ADMIN_AUTH = {"Authorization": f"Bearer {ADMIN}"}
AUTH = {"Authorization": f"Bearer {mint_token(['calendar.event.read'])}"}
QUERY = {"from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}


def _podman(*args: str) -> str:
    result = subprocess.run(["podman", *args], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"podman {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


@pytest.fixture(scope="module")
def replicas() -> Iterator[list[str]]:
    if not REDIS_IMAGE:
        pytest.fail("MOCKSERVER_REDIS_IMAGE names no image (make image-test builds it)")
    stem = f"mockserver-state-{os.getpid()}"
    ports = [free_port(), free_port()]
    names = [f"{stem}-redis", f"{stem}-1", f"{stem}-2"]
    try:
        published = [f"-p127.0.0.1:{port}:{8001 + n}" for n, port in enumerate(ports)]
        _podman("run", "-d", "--name", names[0], "--read-only", "--cap-drop=ALL", *published, REDIS_IMAGE)
        for n, name in enumerate(names[1:]):
            _podman(
                "run", "-d", "--name", name, "--read-only", "--cap-drop=ALL", "--security-opt=no-new-privileges",
                f"--network=container:{names[0]}", "-e", f"MOCKSERVER_ADMIN_TOKEN={ADMIN}",
                "-e", "MOCKSERVER_STATE=redis://127.0.0.1:6379/0",
                IMAGE, "serve", "--host", "0.0.0.0", "--port", str(8001 + n), "--count", "300",
            )  # fmt: skip
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, name in zip(bases, names[1:], strict=True):
            deadline = time.monotonic() + 60
            while not _healthy(base):
                assert time.monotonic() < deadline, _podman("logs", name)
                time.sleep(0.1)
        yield bases
    finally:
        for group in (names[1:], names[:1]):  # the replicas first: they use the Redis container's network
            subprocess.run(["podman", "rm", "-f", "-t", "0", *group], check=False, capture_output=True, timeout=60)


def _healthy(base: str) -> bool:
    try:
        answer = httpx.get(f"{base}/healthz", timeout=1)
    except httpx.TransportError:
        return False
    return answer.status_code == 200 and answer.json()["state"] == "ok"


def test_a_scenario_set_through_one_replica_is_applied_by_the_other(replicas: list[str]) -> None:
    scenario = {"code": 503, "api": "events", "times": 3}
    assert httpx.put(f"{replicas[0]}/__mock/scenario", json=scenario, headers=ADMIN_AUTH, timeout=10).status_code == 200
    statuses = [
        httpx.get(f"{replicas[1]}/events", params=QUERY, headers=AUTH, timeout=10).status_code for _ in range(5)
    ]
    assert statuses == [503, 503, 503, 200, 200]


def test_either_replica_reads_both_replicas_requests(replicas: list[str]) -> None:
    assert httpx.delete(f"{replicas[1]}/__mock/requests", headers=ADMIN_AUTH, timeout=10).status_code == 204
    for base in replicas * 3:
        assert httpx.get(f"{base}/events", params=QUERY, headers=AUTH, timeout=10).status_code == 200
    for base in replicas:
        entries = httpx.get(f"{base}/__mock/requests", headers=ADMIN_AUTH, timeout=10).json()["requests"]
        assert sorted(Counter(e["host"] for e in entries).values()) == [3, 3]  # two replicas, three requests each


def test_the_admin_routes_want_the_token_from_the_environment(replicas: list[str]) -> None:
    assert httpx.get(f"{replicas[0]}/__mock/requests", timeout=10).status_code == 401
