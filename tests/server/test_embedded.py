"""The mock in a thread of the test process (``server.embedded.running_mock``, behind the plugin's ``calendar_mock``
fixture): it serves the data its settings name, with its scenarios set before the first request, and lets go of its
port when the block ends.

The oracle of the data is the app ``create_app`` builds from the same settings, asked in-process.
"""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
from starlette.testclient import TestClient

from mockserver.server.app import create_app
from mockserver.server.embedded import running_mock
from mockserver.server.settings import Settings
from tests.support.data import EVENTS, events_params

FIXTURES = Path(__file__).parents[2] / "fixtures" / "events-sample.json"


def test_it_serves_the_data_its_settings_name() -> None:
    settings = Settings(seed=3, count=40, fixtures={"events": FIXTURES})
    expected = TestClient(create_app(settings), base_url="http://localhost")
    with running_mock(settings) as mock:
        got = httpx.get(mock.urls["events"] + EVENTS, params=events_params(), headers=mock.headers["events"])
    wanted = expected.get(EVENTS, params=events_params(), headers=mock.headers["events"])
    assert (got.status_code, got.content) == (200, wanted.content)


def test_its_scenarios_apply_from_the_first_request() -> None:
    with running_mock(Settings(count=10), [{"code": 503, "api": "events", "times": 1}]) as mock:
        url, headers = mock.urls["events"] + EVENTS, mock.headers["events"]
        statuses = [httpx.get(url, params=events_params(), headers=headers).status_code for _ in range(2)]
        assert statuses == [503, 200]
        assert [entry["status"] for entry in mock.requests(api="events")] == [200, 503]


def test_its_port_is_free_again_after_the_block() -> None:
    with running_mock(Settings(count=10)) as mock:
        port = int(mock.base_url.rsplit(":", 1)[1])
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
