"""--request-proxy: every request of the run goes through a small forwarding proxy on loopback."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from mockserver.contract.options import FuzzOptions
from mockserver.contract.runner import run
from tests.deployments.config import Config
from tests.deployments.serve import serving_gated
from tests.deployments.tokens import mint

HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "proxy-authorization"}


class _Forward(BaseHTTPRequestHandler):
    """Forwards an absolute-form request to its origin and counts it."""

    forwarded: list[str]

    def _forward(self) -> None:
        target = urlsplit(self.path)
        self.forwarded.append(self.command)
        upstream = http.client.HTTPConnection(target.hostname or "", target.port or 80, timeout=10)
        try:
            self._relay(upstream, target.path + (f"?{target.query}" if target.query else ""))
        finally:
            upstream.close()

    def _relay(self, upstream: http.client.HTTPConnection, path: str) -> None:
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        length = int(self.headers.get("content-length") or 0)
        upstream.request(
            self.command,
            path,
            self.rfile.read(length) if length else None,
            headers,
        )
        answer = upstream.getresponse()
        body = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_TRACE = _forward  # noqa: N815 (http.server's names)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    forwarded: list[str] = []
    handler = type("Forward", (_Forward,), {"forwarded": forwarded})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", forwarded
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_every_request_goes_through_the_proxy(proxy: tuple[str, list[str]]) -> None:
    url, forwarded = proxy
    with serving_gated(Config("events")) as (base, _gate):
        result = run(
            FuzzOptions(api="events", target=base, token=mint(), max_examples=5, seed=1, phases=(), request_proxy=url)
        )
    assert (result.fatal, result.failures) == (None, [])
    assert len(forwarded) == result.sent > 0
