"""Asking an in-process target (an ASGI app) for one of its own routes, outside the API's operation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.testclient import TestClient

__all__ = ["in_process_get"]


def in_process_get(app: Any, url: str) -> tuple[int, Any]:
    """The status and JSON body (None when not JSON) of ``GET url`` answered by ``app``."""
    parts = urlsplit(url)
    client = TestClient(app, base_url=f"{parts.scheme}://{parts.netloc}", raise_server_exceptions=False)
    response = client.get(parts.path, follow_redirects=False)
    try:
        body = response.json()
    except ValueError:
        body = None
    return response.status_code, body
