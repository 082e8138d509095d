"""The validating proxy: silent in front of the mock, one line per violation in front of a broken upstream."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from mockserver.core.openapi import ApiId
from mockserver.proxy.app import ProxyOptions, ValidatingProxy
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.support.data import SESSION, events_params, interventions_params
from tests.support.servers import ServerProcess, free_port
from tests.support.tokens import AUTH

UPSTREAM = "http://upstream.test"
INTERVENTIONS_PATH = "/calendar/v2/rs/events"
EVENT = {
    "id": "a2frtf13cuaqhit9pf26lqmvr4",
    "created_at": "2015-11-03T07:45:34.000+08:00",
    "updated_at": "2015-11-03T07:45:34.000+08:00",
    "summary": "s",
    "description": None,
    "location": None,
    "category": "學生",
    "start": "2016-01-01T08:00:00.000+08:00",
    "end": "2016-07-01T09:00:00.000+08:00",
    "link": None,
}

ProxyFactory = Callable[..., TestClient]


@pytest.fixture
def make_proxy(caplog: pytest.LogCaptureFixture) -> Iterator[ProxyFactory]:
    """A client of a proxy whose upstream is an ASGI app (in-process) or any httpx transport."""
    caplog.set_level(logging.INFO, logger="mockserver.proxy")
    clients: list[TestClient] = []

    def factory(
        transport: httpx.AsyncBaseTransport, api: ApiId = "events", upstream: str = UPSTREAM, strict: bool = False
    ) -> TestClient:
        proxy = ValidatingProxy(
            ProxyOptions(api=api, upstream=upstream, strict=strict),
            client=httpx.AsyncClient(transport=transport, follow_redirects=False),
        )
        clients.append(TestClient(proxy, follow_redirects=False).__enter__())
        return clients[-1]

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


def violations(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "mockserver.proxy" and "violation" in r.getMessage()]


# --- in front of the mock -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mock() -> httpx.ASGITransport:
    return httpx.ASGITransport(app=create_app(Settings(count=200)))


def test_in_front_of_the_mock_nothing_is_reported(
    make_proxy: ProxyFactory, mock: httpx.ASGITransport, caplog: pytest.LogCaptureFixture
) -> None:
    events = make_proxy(mock, "events", UPSTREAM)
    interventions = make_proxy(mock, "interventions", UPSTREAM + "/main")
    for params in (events_params(), events_params(limit="3", page="2", orderBy="end"), events_params(category="")):
        response = events.get("/events", params=params, headers=AUTH)
        assert response.status_code == 200 and "events" in response.json()
    response = interventions.get(
        INTERVENTIONS_PATH, params=interventions_params(includeCount="true"), headers={**AUTH, **SESSION}
    )
    assert response.status_code == 200 and response.json()["data"]
    assert violations(caplog) == []


def test_a_request_the_spec_rejects_is_forwarded_and_reported(
    make_proxy: ProxyFactory, mock: httpx.ASGITransport, caplog: pytest.LogCaptureFixture
) -> None:
    events = make_proxy(mock)
    assert events.get("/events", params=events_params(limit="abc"), headers=AUTH).status_code == 400
    assert events.get("/events", params=events_params()).status_code == 401
    # The mock's answers conform (documented 400 and 401 problems): only the requests are reported.
    assert violations(caplog) == [
        "violation in the request GET /events: limit='abc' is not an integer; expected an integer (ASCII digits, "
        "optional leading '-'), e.g. limit=5",
        "violation in the request GET /events: no Authorization: Bearer token, which the operation's security requires",
    ]


# --- in front of a broken upstream --------------------------------------------------------------------------------


async def broken(request: Request) -> Response:
    """Each ``?break=`` value breaks the events contract in one way."""
    page = {"events": [EVENT], "count": 1, "page": 1}
    match request.query_params.get("break"):
        case "missing-field":
            return JSONResponse({"events": [], "page": 1})
        case "wrong-type":
            return JSONResponse({**page, "events": [{**EVENT, "start": "yesterday", "summary": None}]})
        case "undocumented-status":
            return JSONResponse({"error": "boom"}, status_code=500)
        case "content-type":
            return Response("<p>events</p>", media_type="text/html")
        case "not-json":
            return Response(b'{"events": [', media_type="application/json")
    return JSONResponse(page)


BREAKS = [
    ("missing-field", 200, "$: 'count' is a required property"),
    ("wrong-type", 200, "$.events[0].start: 'yesterday' is not a 'date-time'"),
    ("undocumented-status", 500, "status 500 is not documented (documented: 200, 400, 401, 403"),
    ("content-type", 200, "content type text/html is not documented (application/json)"),
    ("not-json", 200, "the body is not JSON"),
]


@pytest.fixture(scope="module")
def broken_upstream() -> httpx.ASGITransport:
    return httpx.ASGITransport(app=Starlette(routes=[Route("/events", broken)]))


@pytest.mark.parametrize(("kind", "status", "message"), BREAKS, ids=[b[0] for b in BREAKS])
def test_each_violation_is_one_line_and_the_response_passes(
    make_proxy: ProxyFactory,
    broken_upstream: httpx.ASGITransport,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    status: int,
    message: str,
) -> None:
    response = make_proxy(broken_upstream).get("/events", params=events_params(**{"break": kind}), headers=AUTH)
    assert response.status_code == status
    found = violations(caplog)
    assert found and all(line.startswith(f"violation in the response to GET /events ({status}): ") for line in found)
    assert any(message in line for line in found), found
    assert all("\n" not in line for line in found)


def test_a_conforming_upstream_response_is_not_reported(
    make_proxy: ProxyFactory, broken_upstream: httpx.ASGITransport, caplog: pytest.LogCaptureFixture
) -> None:
    response = make_proxy(broken_upstream).get("/events", params=events_params(), headers=AUTH)
    assert response.status_code == 200 and response.json()["events"] == [EVENT]
    assert violations(caplog) == []


@pytest.mark.parametrize(("kind", "status", "message"), BREAKS, ids=[b[0] for b in BREAKS])
def test_strict_turns_a_violation_into_a_502_naming_it(
    make_proxy: ProxyFactory,
    broken_upstream: httpx.ASGITransport,
    kind: str,
    status: int,
    message: str,
) -> None:
    proxy = make_proxy(broken_upstream, strict=True)
    response = proxy.get("/events", params=events_params(**{"break": kind}), headers=AUTH)
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 502 and problem["title"] == "Bad Gateway"
    assert problem["detail"].startswith(f"the upstream's {status} response violates the spec: ")
    assert message in problem["detail"]
    assert proxy.get("/events", params=events_params(), headers=AUTH).status_code == 200


# --- what is forwarded --------------------------------------------------------------------------------------------


def test_requests_reach_the_upstream_host_only_without_hop_by_hop_headers(make_proxy: ProxyFactory) -> None:
    seen: list[httpx.Request] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            302, headers={"location": "http://elsewhere.test/steal", "connection": "close", "keep-alive": "timeout=5"}
        )

    proxy = make_proxy(httpx.MockTransport(upstream), "interventions", "https://api.upstream.test:8443/main/")
    headers = {
        **AUTH,
        **SESSION,
        "connection": "keep-alive, x-hop",
        "x-hop": "1",
        "keep-alive": "timeout=5",
        "te": "trailers",
        "upgrade": "h2c",
        "proxy-authorization": "Basic c2VjcmV0",
        "x-end-to-end": "kept",
    }
    target = "http://testserver//elsewhere.test/a%2Fb?q=2016-01-01T08:00:00%2B08:00&x=a+b"
    response = proxy.get(target, headers=headers)
    assert response.status_code == 302 and response.headers["location"] == "http://elsewhere.test/steal"
    assert "keep-alive" not in response.headers
    (request,) = seen  # the redirect is returned, not followed
    assert str(request.url) == (
        "https://api.upstream.test:8443/main//elsewhere.test/a%2Fb?q=2016-01-01T08:00:00%2B08:00&x=a+b"
    )
    assert request.headers["host"] == "api.upstream.test:8443"
    assert request.headers["authorization"] == AUTH["Authorization"]
    assert request.headers["x-session-token"] == SESSION["x-session-token"]
    assert request.headers["x-end-to-end"] == "kept"
    for hop in ("x-hop", "keep-alive", "te", "upgrade", "proxy-authorization"):
        assert hop not in request.headers, hop
    assert request.headers.get_list("connection") in ([], ["keep-alive"])  # the proxy's own hop, not the client's


@pytest.mark.parametrize(
    ("error", "status", "detail"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), 502, "ConnectError: [Errno 111] Connection refused"),
        (httpx.ReadTimeout("timed out"), 504, "did not answer within 30.0 s"),
        (httpx.RemoteProtocolError("Server disconnected"), 502, "RemoteProtocolError: Server disconnected"),
    ],
)
def test_an_upstream_failure_is_a_problem(
    make_proxy: ProxyFactory, caplog: pytest.LogCaptureFixture, error: httpx.HTTPError, status: int, detail: str
) -> None:
    def upstream(request: httpx.Request) -> httpx.Response:
        raise error

    response = make_proxy(httpx.MockTransport(upstream)).get("/events", params=events_params(), headers=AUTH)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]
    assert not [r for r in caplog.records if r.exc_info]


def test_a_password_in_the_upstream_url_is_never_shown(
    make_proxy: ProxyFactory, caplog: pytest.LogCaptureFixture
) -> None:
    def upstream(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    proxy = make_proxy(httpx.MockTransport(upstream), upstream="http://user:s3cret@upstream.test")
    response = proxy.get("/events", params=events_params(), headers=AUTH)
    assert response.status_code == 502 and "http://upstream.test" in response.json()["detail"]
    assert "s3cret" not in response.text and "s3cret" not in caplog.text


# --- real processes -----------------------------------------------------------------------------------------------


def start_proxy(directory: Path, *args: str) -> tuple[str, subprocess.Popen[bytes], Path]:
    """``mockserver proxy ARGS`` on a free loopback port, with a proxy in the environment that it must ignore."""
    port = free_port()
    log = directory / f"proxy-{port}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HTTP_PROXY": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9"}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "proxy", "--port", str(port), *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    for _ in range(600):  # the socket is bound before this line is printed
        if "mockserver proxy on" in log.read_text(errors="replace"):
            return f"http://127.0.0.1:{port}", process, log
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise AssertionError(log.read_text(errors="replace"))


@pytest.fixture
def proxy_process(tmp_path: Path) -> Iterator[Callable[..., tuple[str, Path]]]:
    processes: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> tuple[str, Path]:
        base, process, log = start_proxy(tmp_path, *args)
        processes.append(process)
        return base, log

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=15)


def test_real_proxy_in_front_of_the_real_mock(
    serve_process: Callable[..., ServerProcess], proxy_process: Callable[..., tuple[str, Path]]
) -> None:
    mock = serve_process("--count", "200")
    events, events_log = proxy_process("--api", "events", "--upstream", mock.base, "--strict")
    interventions, interventions_log = proxy_process("--api", "interventions", "--upstream", mock.base + "/main")
    with httpx.Client(timeout=10, trust_env=False) as client:
        response = client.get(f"{events}/events", params=events_params(), headers=AUTH)
        assert response.status_code == 200 and response.json()["events"]
        response = client.get(
            f"{interventions}{INTERVENTIONS_PATH}", params=interventions_params(), headers={**AUTH, **SESSION}
        )
        assert response.status_code == 200 and response.json()["data"]
        assert client.get(f"{events}/events", params=events_params(page="x"), headers=AUTH).status_code == 400
    assert "violation in the response" not in events_log.read_text() + interventions_log.read_text()
    assert "violation in the request GET /events: page='x' is not an integer" in events_log.read_text()


def test_real_proxy_with_an_unreachable_upstream(proxy_process: Callable[..., tuple[str, Path]]) -> None:
    with socket.socket() as refusing:  # bound, never listening: connections refused, and no one else gets the port
        refusing.bind(("127.0.0.1", 0))  # (a port only found free could be the proxy's own next: it failed so once)
        base, log = proxy_process("--api", "events", "--upstream", f"http://127.0.0.1:{refusing.getsockname()[1]}")
        response = httpx.get(f"{base}/events", params=events_params(), headers=AUTH, timeout=10, trust_env=False)
    assert response.status_code == 502 and response.headers["content-type"] == "application/problem+json"
    assert "ConnectError" in response.json()["detail"]
    assert "Traceback" not in log.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--upstream", "ftp://x"], "Invalid value for --upstream: 'ftp://x' is not an http(s) URL"),
        (["--upstream", "http://"], "is not an http(s) URL"),
        (["--upstream", "http://127.0.0.1:9", "--port", "busy"], "cannot listen on 127.0.0.1:"),
    ],
    ids=["not-http", "no-host", "busy-port"],
)
def test_bad_proxy_command_lines_are_one_line(args: list[str], message: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        args = [str(busy.getsockname()[1]) if a == "busy" else a for a in args]
        result = subprocess.run(
            [sys.executable, "-m", "mockserver", "proxy", "--api", "events", *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode != 0 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_the_mock_s_admin_routes_are_never_forwarded() -> None:
    forwarded: list[str] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        forwarded.append(request.url.path)
        return httpx.Response(200, json={})

    client = httpx.AsyncClient(transport=httpx.MockTransport(upstream))
    proxy = ValidatingProxy(ProxyOptions(api="events", upstream="http://upstream.test"), client=client)
    with TestClient(proxy) as test:
        answer = test.get("/__mock/requests")
    assert (answer.status_code, forwarded) == (404, [])
