"""A real uvicorn server on a loopback port, in a thread of the test process, for an app built by a test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from mockserver.core.listening import base_url, bind

__all__ = ["serving"]


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 until the block ends: its base URL."""
    sock = bind("127.0.0.1", 0)
    served = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=served.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not served.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield base_url("127.0.0.1", sock)
    finally:
        served.should_exit = True
        thread.join(10)
