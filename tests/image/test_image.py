"""The container image (``make image-test``): two replicas serve identical bytes, as a non-root user, stop promptly.

Runs only when ``MOCKSERVER_IMAGE`` names a built image (the Makefile builds it with podman first). Containers
publish their port on loopback only; they are removed after the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from mockserver.core.tokens import mint_token
from tests.support.servers import free_port

IMAGE = os.environ.get("MOCKSERVER_IMAGE", "")
TOKEN = mint_token(["calendar.event.read"])
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SESSION = {"x-session-token": "image-test", "content-type": "application/json"}


def _podman(*args: str, timeout: float = 120) -> str:
    result = subprocess.run(["podman", *args], check=False, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"podman {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


@dataclass(frozen=True)
class Replica:
    name: str
    base: str
    ready_s: float  # from `podman run` to the first 200 from /healthz


def _start(name: str) -> Replica:
    port = free_port()
    started = time.monotonic()
    # As the Kubernetes manifests run it: read-only root file system, no capabilities, no privilege escalation.
    _podman(
        "run",
        "-d",
        "--name",
        name,
        "--read-only",
        "--cap-drop=ALL",
        "--security-opt=no-new-privileges",
        "-p",
        f"127.0.0.1:{port}:8000",
        IMAGE,
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
        "--seed",
        "3",
        "--count",
        "500",
    )
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < 60:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return Replica(name, base, time.monotonic() - started)
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(_podman("logs", name))


@pytest.fixture(scope="module")
def replicas() -> Iterator[tuple[Replica, Replica]]:
    names = [f"mockserver-test-{os.getpid()}-{n}" for n in (1, 2)]
    try:
        yield _start(names[0]), _start(names[1])
    finally:
        subprocess.run(["podman", "rm", "-f", "-t", "0", *names], check=False, capture_output=True, timeout=60)


def test_a_replica_answers_its_health_check_within_five_seconds(replicas: tuple[Replica, Replica]) -> None:
    assert max(r.ready_s for r in replicas) < 5


REQUESTS = [
    ("/events", {"from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z", "limit": "50"}, AUTH),
    ("/events", {"from": "2024-06-01T00:00:00Z", "to": "2025-06-01T00:00:00Z", "orderBy": "end", "page": "3"}, AUTH),
    ("/events", {"from": "bad"}, AUTH),
    ("/events", {"from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, {}),
    (
        "/main/calendar/v2/rs/events",
        {
            "scheduledStart": "2024-06-01T00:00:00Z",
            "scheduledEnd": "2025-06-01T00:00:00Z",
            "includeSites": "false",
            "includeCount": "true",
            "pageSize": "40",
            "page": "2",
        },
        {**AUTH, **SESSION},
    ),
    ("/main/calendar/v2/rs/events", {"scheduledStart": "2024-06-01T00:00:00Z"}, {**AUTH, **SESSION}),
]


@pytest.mark.parametrize(("path", "params", "headers"), REQUESTS)
def test_two_replicas_answer_with_identical_bytes(
    replicas: tuple[Replica, Replica], path: str, params: dict[str, str], headers: dict[str, str]
) -> None:
    first, second = (httpx.get(r.base + path, params=params, headers=headers, timeout=10) for r in replicas)
    assert (first.status_code, first.content) == (second.status_code, second.content)
    assert first.status_code in (200, 400, 401)


def test_the_server_does_not_run_as_root(replicas: tuple[Replica, Replica]) -> None:
    assert _podman("exec", replicas[0].name, "python", "-c", "import os; print(os.getuid(), os.getgid())") == (
        "10001 10001"
    )


def test_the_image_keeps_its_health_check() -> None:
    assert "/healthz" in _podman("image", "inspect", "--format", "{{json .Config.Healthcheck}}", IMAGE)


@pytest.mark.parametrize(("api", "path"), [("events", ""), ("interventions", "/main")])
def test_the_contract_tester_on_the_host_passes_a_replica(
    replicas: tuple[Replica, Replica], api: str, path: str
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mockserver",
            "fuzz",
            "--api",
            api,
            "--target",
            replicas[1].base + path,
            "--max-examples",
            "20",
            "--seed",
            "1",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_sigterm_stops_the_server_promptly_after_its_answers_in_flight() -> None:
    replica = _start(f"mockserver-stop-{os.getpid()}")
    answers: list[httpx.Response] = []
    slow = threading.Thread(
        target=lambda: answers.append(
            httpx.get(
                f"{replica.base}/events",
                params={"from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
                headers={**AUTH, "Prefer": "delay=1500"},
                timeout=10,
            )
        )
    )
    try:
        slow.start()
        time.sleep(0.5)  # the request is in flight, waiting out its delay
        started = time.monotonic()
        _podman("stop", "-t", "20", replica.name)
        stopped_s = time.monotonic() - started
        slow.join(10)
    finally:
        subprocess.run(["podman", "rm", "-f", "-t", "0", replica.name], check=False, capture_output=True, timeout=60)
    assert stopped_s < 5  # well before podman's 20 s kill timeout
    assert [a.status_code for a in answers] == [200]
