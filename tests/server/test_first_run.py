"""What a new user meets first: ``GET /`` links everything (a page, or JSON when asked), a 404 for a path missing
its base path says which one was meant, and the banner names the inspector.

The oracles: each link followed answers 200; the hinted path, asked with credentials, is an API operation (not a
404); the banner of a real ``mockserver serve``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.support.servers import start_server
from tests.support.tokens import AUTH


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(count=10)), base_url="http://localhost")


def test_the_root_page_links_each_swagger_ui_spec_and_the_inspector(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["content-type"].startswith("text/html")
    links = re.findall(r'href="([^"]+)"', page.text)
    assert {"/ui/", "/main/ui/", "/openapi.json", "/main/openapi.json", "/__mock/"} <= set(links)
    assert all(client.get(link).status_code == 200 for link in links if link.startswith("/"))


def test_the_root_answers_json_when_json_is_asked(client: TestClient) -> None:
    answer = client.get("/", headers={"Accept": "application/json"})
    html = client.get("/")
    assert answer.headers["content-type"] == "application/json"
    assert [link["href"] for link in answer.json()["links"]] == re.findall(r'href="(/[^"]*)"', html.text)


def test_a_404_body_says_which_path_was_meant(client: TestClient) -> None:
    answer = client.get("/calendar/v2/rs/events")
    assert (answer.status_code, answer.headers["content-type"]) == (404, "application/problem+json")
    found = re.search(r"did you mean (\S+) ", answer.json()["detail"])
    assert found is not None
    assert client.get(found.group(1), headers=AUTH).status_code != 404


def test_the_banner_names_the_inspector(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--count", "10")
    try:
        assert f"{server.base}/__mock/" in server.output()
    finally:
        server.stop()
