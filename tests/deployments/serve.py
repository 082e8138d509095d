"""A deployment served by a real uvicorn server on a free 127.0.0.1 port, in a thread, for the length of a block."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from mockserver.core.listening import base_url, bind
from tests.deployments.app import build
from tests.deployments.config import Config
from tests.deployments.gateway import Gate

__all__ = ["serving", "serving_gated"]


@contextmanager
def serving(config: Config) -> Iterator[str]:
    """Serve ``config``'s deployment (lifespan on: a live one changes its data) until the block ends: its base URL
    (``http://127.0.0.1:PORT``; the interventions API lives under ``/main``)."""
    with serving_gated(config) as (base, _gate):
        yield base


@contextmanager
def serving_gated(config: Config) -> Iterator[tuple[str, Gate]]:
    """``serving``, with the counters of the deployment's gateway (what it let through and refused)."""
    app = build(config)
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    root = base_url("127.0.0.1", sock)
    try:
        deadline = time.monotonic() + 10
        while True:  # until it answers (any status: the API wants credentials)
            try:
                httpx.get(f"{root}/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or not thread.is_alive():
                    raise RuntimeError(f"deployment {config.label} did not start") from None
                time.sleep(0.02)
        gate: Gate = app.state.gate
        gate.passed = gate.refused = 0  # what the tests sent, not the readiness probe
        yield root + ("/main" if config.api == "interventions" else ""), gate
    finally:
        server.should_exit = True
        thread.join(10)
