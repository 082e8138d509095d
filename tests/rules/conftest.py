"""Fixtures of the mock tests: apps serving a dataset written in the test, and the generated seed-7 world."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from mockserver.core.openapi import ApiId
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.rules.served import Serve


@pytest.fixture(scope="session")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    """``serve(api, records)``: a client of an app serving exactly ``records`` for ``api`` (responses validated)."""
    directory = tmp_path_factory.mktemp("datasets")
    clients: dict[bytes, TestClient] = {}

    def factory(api: ApiId, records: Sequence[dict[str, Any]]) -> TestClient:
        text = orjson.dumps(list(records))
        if (api.encode() + text) not in clients:
            path: Path = directory / f"{api}-{len(clients)}.json"
            path.write_bytes(text)
            settings = Settings(apis=(api,), fixtures={api: path}, validate_responses=True)
            clients[api.encode() + text] = TestClient(create_app(settings))
        return clients[api.encode() + text]

    yield factory
    for client in clients.values():
        client.close()


@pytest.fixture(scope="session")
def seed7() -> Iterator[TestClient]:
    """Both APIs over 1000 generated records each (seed 7, the default anchor 2025-01-01), responses validated."""
    with TestClient(create_app(Settings(seed=7, count=1000, validate_responses=True))) as client:
        yield client
