"""--tls-verify and --request-cert against a deployment served over TLS on loopback, with a test CA made here."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
import uvicorn

from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import RunResult
from mockserver.contract.runner import run
from mockserver.core.listening import bind
from tests.deployments.app import build
from tests.deployments.config import Config
from tests.deployments.tokens import mint


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _serve(ca: trustme.CA, folder: Path, *, client_ca: bool) -> Iterator[str]:
    cert = ca.issue_cert("127.0.0.1")
    cert.private_key_and_cert_chain_pem.write_to_path(str(folder / "server.pem"))
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    sock = bind("127.0.0.1", 0)
    config = uvicorn.Config(
        build(Config("events")),
        log_level="critical",
        ssl_certfile=str(folder / "server.pem"),
        ssl_ca_certs=str(folder / "ca.pem") if client_ca else None,
        ssl_cert_reqs=ssl.CERT_REQUIRED if client_ca else ssl.CERT_NONE,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"https://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def tls(ca: trustme.CA, tmp_path: Path) -> Iterator[str]:
    yield from _serve(ca, tmp_path, client_ca=False)


@pytest.fixture
def mutual(ca: trustme.CA, tmp_path: Path) -> Iterator[str]:
    yield from _serve(ca, tmp_path, client_ca=True)


def _fuzz(base: str, **asked: object) -> RunResult:
    options = FuzzOptions(api="events", target=base, token=mint(), max_examples=5, seed=1, phases=(), **asked)  # type: ignore[arg-type]
    return run(options)


def test_a_certificate_of_an_unknown_ca_is_refused_by_default(tls: str) -> None:
    result = _fuzz(tls)
    assert result.exit_code == 2
    assert result.fatal is not None
    assert "TLS error" in result.fatal


def test_tls_verify_with_the_ca_bundle_reaches_the_target(tls: str, tmp_path: Path) -> None:
    result = _fuzz(tls, tls_verify=str(tmp_path / "ca.pem"))
    assert (result.fatal, result.failures) == (None, [])


def test_tls_verify_false_reaches_the_target(tls: str) -> None:
    result = _fuzz(tls, tls_verify=False)
    assert (result.fatal, result.failures) == (None, [])


def test_a_client_certificate_opens_a_target_that_requires_one(mutual: str, ca: trustme.CA, tmp_path: Path) -> None:
    client = ca.issue_cert("tester@example.com")
    client.private_key_and_cert_chain_pem.write_to_path(str(tmp_path / "client.pem"))
    without = _fuzz(mutual, tls_verify=str(tmp_path / "ca.pem"))
    with_cert = _fuzz(mutual, tls_verify=str(tmp_path / "ca.pem"), request_cert=str(tmp_path / "client.pem"))
    assert without.exit_code == 2
    assert (with_cert.fatal, with_cert.failures) == (None, [])
