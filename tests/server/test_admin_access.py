"""The admin routes are safe by default: closed beyond loopback, token-checked, loopback Host only, no CORS."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.support.data import EVENTS, events_params
from tests.support.servers import ServerProcess
from tests.support.tokens import AUTH
from tests.support.wire import exchange, status_of


def _client(base: str = "http://localhost", **settings: object) -> TestClient:
    return TestClient(create_app(Settings(count=50, **settings)), base_url=base)  # type: ignore[arg-type]


def test_beyond_loopback_the_admin_routes_do_not_exist_without_a_token() -> None:
    client = _client(admin_loopback=False)
    for path in ("/__mock/", "/__mock/requests", "/__mock/ui/", "/__mock/openapi.json"):
        assert client.get(path).status_code == 404
    assert client.put("/__mock/scenario", json={"code": 503}).status_code == 404
    assert client.get(EVENTS, params=events_params(), headers=AUTH).status_code == 200  # the APIs are unaffected


def test_with_an_admin_token_they_require_it() -> None:
    client = _client("http://mock.example.com", admin_loopback=False, admin_token="s3cret")
    refused = client.get("/__mock/requests")
    assert (refused.status_code, refused.headers["www-authenticate"].split()[0]) == (401, "Bearer")
    assert client.get("/__mock/requests", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/__mock/requests", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_on_loopback_they_answer_only_a_loopback_host() -> None:
    for host, status in (
        ("localhost:8000", 200),
        ("127.0.0.1:8000", 200),
        ("[::1]:8000", 200),
        ("attacker.example:8000", 403),
        ("localhost.attacker.example", 403),
    ):
        assert _client().get("/__mock/requests", headers={"Host": host}).status_code == status, host


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("LOCALHOST", 200),
        ("127.5.6.7:80", 200),
        ("[::1]", 200),
        ("[::1]evil.com", 403),
        ("[::1]evil.com:8000", 403),
        ("127.0.0.1@evil.com", 403),
        ("127.0.0.1:8000junk", 403),
        ("127.0.0.1.evil.com", 403),
        ("localhost:8000/evil", 403),
        ("[::ffff:127.0.0.1]", 403),
        ("", 403),
    ],
)
def test_the_host_is_read_strictly(host: str, status: int) -> None:
    assert _client().get("/__mock/requests", headers={"Host": host}).status_code == status


def test_the_admin_scheme_is_case_insensitive_like_the_apis() -> None:
    client = _client("http://mock.example.com", admin_loopback=False, admin_token="s3cret")
    for value in ("bearer s3cret", "BEARER s3cret", "Bearer\ts3cret"):
        assert client.get("/__mock/requests", headers={"Authorization": value}).status_code == 200, value
    for value in ("Basic s3cret", "s3cret", "Bearer s3cret2", "Bearer"):
        assert client.get("/__mock/requests", headers={"Authorization": value}).status_code == 401, value


def test_the_admin_token_can_come_from_the_environment(
    serve_process: Callable[..., ServerProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSERVER_ADMIN_TOKEN", "from-the-env-4c1d")
    server = serve_process()
    assert httpx.get(f"{server.base}/__mock/requests").status_code == 401
    admin = {"Authorization": "Bearer from-the-env-4c1d"}
    assert httpx.get(f"{server.base}/__mock/requests", headers=admin).status_code == 200
    assert "from-the-env-4c1d" not in " ".join(server.process.args)  # type: ignore[arg-type]


def test_they_never_send_cors_headers() -> None:
    client = _client()
    origin = {"Origin": "http://evil.example"}
    assert "access-control-allow-origin" not in client.get("/__mock/requests", headers=origin).headers
    preflight = client.options("/__mock/scenario", headers={**origin, "Access-Control-Request-Method": "PUT"})
    assert "access-control-allow-origin" not in preflight.headers
    api = client.get(EVENTS, params=events_params(), headers={**AUTH, **origin})
    assert "access-control-allow-origin" in api.headers


def test_a_served_process_shows_its_pid_and_its_own_journal(serve_process: Callable[..., ServerProcess]) -> None:
    server = serve_process("--journal", "10")
    httpx.get(f"{server.base}{EVENTS}", params=events_params(), headers=AUTH)
    journal = httpx.get(f"{server.base}/__mock/requests").json()
    assert (journal["pid"], journal["capacity"], len(journal["requests"])) == (server.process.pid, 10, 1)
    page = httpx.get(f"{server.base}/__mock/")
    assert page.status_code == 200 and "mockserver inspector" in page.text
    assert "<script src=" not in page.text and "https://" not in page.text  # nothing fetched from the network


@pytest.mark.parametrize(
    ("target", "status"),
    [
        pytest.param(b"http://evil.example/__mock/requests", 403, id="another-host"),
        pytest.param(b"http://127.0.0.1.evil.example/__mock/requests", 403, id="loopback-prefix"),
        pytest.param(b"http://127.0.0.1/__mock/requests", 200, id="loopback"),
        pytest.param(b"http://localhost:8000/__mock/requests", 200, id="localhost-with-port"),
    ],
)
def test_an_absolute_form_target_is_judged_by_its_own_authority(
    serve_process: Callable[..., ServerProcess], target: bytes, status: int
) -> None:
    """HTTP says an absolute-form target's authority wins over Host: a loopback Host does not open the routes to it."""
    server = serve_process()
    assert status_of(exchange(server.port, target, [(b"Host", b"127.0.0.1")])) == status
