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

__all__ = ["serving"]


@contextmanager
def serving(config: Config) -> Iterator[str]:
    """Serve ``config``'s deployment (lifespan on: a live one changes its data) until the block ends: its base URL
    (``http://127.0.0.1:PORT``; the interventions API lives under ``/main``)."""
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(build(config), log_level="warning", lifespan="on"))
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
        yield root + ("/main" if config.api == "interventions" else "")
    finally:
        server.should_exit = True
        thread.join(10)
