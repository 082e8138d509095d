"""A third list API, registered by the test from a table and a spec under tests/, is served and fuzzed.

Nothing in the server or the contract tester knows it: this is the proof that API differences are data.
The oracles are the spec file read as plain YAML and values computed here, not the mock's own parsers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from mockserver.apis import register, unregister
from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import RunResult, Verdict
from mockserver.contract.runner import run
from mockserver.core.draws import Records
from mockserver.core.openapi import SpecError
from mockserver.core.tokens import mint_token
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.apis.bookings import TABLE
from tests.contract.broken import Breakage, Fetch, Params, broken
from tests.support.threaded import serving

AUTH = {"Authorization": f"Bearer {mint_token([])}", "x-tenant": "acme"}
SPEC = yaml.safe_load(TABLE.spec_path.read_text(encoding="utf-8"))
WINDOW = {"since": "2024-11-01T00:00:00Z", "until": "2025-03-01T00:00:00Z"}


@pytest.fixture(scope="module")
def registered() -> Iterator[None]:
    register(TABLE)
    yield
    unregister(TABLE.name)


@pytest.fixture(scope="module")
def server(registered: None) -> Iterator[str]:
    """A real uvicorn server on a loopback port, in a thread, serving only the third API."""
    with serving(create_app(Settings(apis=(TABLE.name,), count=400, seed=5))) as base:
        yield base


def _get(base: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{base}/rooms/bookings", params={**WINDOW, **params}, headers=AUTH)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_page_of_the_third_api_satisfies_its_spec(server: str) -> None:
    response = _get(server, perPage=7)
    schema = {**SPEC["components"]["schemas"]["BookingPage"], "components": SPEC["components"]}
    assert response.status_code == 200
    assert list(OAS30Validator(schema).iter_errors(response.json())) == []


def test_the_third_api_lists_its_window_in_order(server: str) -> None:
    body = _get(server, perPage=30).json()
    low, high = _instant(WINDOW["since"]), _instant(WINDOW["until"])
    starts = [_instant(b["start"]) for b in body["items"]]
    assert len(starts) == 30
    assert all(low <= s < high for s in starts)
    assert starts == sorted(starts)


def test_the_third_api_serves_a_larger_page_size_as_its_cap(server: str) -> None:
    body = _get(server, perPage=1000).json()
    assert (len(body["items"]), body["meta"]) == (30, {"pageNo": 1, "perPage": 30})


def test_the_third_api_filters_by_room_and_counts_when_asked(server: str) -> None:
    everything = _get(server, perPage=30, withTotal="true").json()
    curie = _get(server, perPage=30, roomName="Curie", withTotal="true").json()
    assert {b["room"] for b in curie["items"]} == {"Curie"}
    assert 0 < curie["total"] < everything["total"]
    assert "total" not in _get(server, perPage=30).json()


def test_an_empty_room_name_matches_nothing(server: str) -> None:
    body = _get(server, roomName="", withTotal="true").json()
    assert (body["items"], body["total"]) == ([], 0)


def test_the_third_api_requires_its_header(server: str) -> None:
    response = httpx.get(f"{server}/rooms/bookings", params=WINDOW, headers={"Authorization": AUTH["Authorization"]})
    assert response.status_code == 400
    assert "x-tenant" in response.json()["detail"]


def test_the_third_api_refuses_a_request_without_a_token(server: str) -> None:
    response = httpx.get(f"{server}/rooms/bookings", params=WINDOW, headers={"x-tenant": "acme"})
    assert (response.status_code, response.headers["www-authenticate"]) == (401, "Bearer")


def test_a_list_operation_with_a_path_parameter_is_refused_at_start_up(tmp_path: Path) -> None:
    """The promise is a literal path: a spec whose list operation has a path parameter stops the server, naming the
    file and the operation, instead of being served with its parameter unread."""
    spec = yaml.safe_load(TABLE.spec_path.read_text(encoding="utf-8"))
    operation = spec["paths"].pop("/bookings")
    site = {"name": "site", "in": "path", "required": True, "schema": {"type": "string"}}
    operation["get"]["parameters"].append(site)
    spec["paths"]["/sites/{site}/bookings"] = operation
    path = tmp_path / "by-site.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    by_site = replace(TABLE, name="bookings-by-site", spec_file=path)
    register(by_site)
    try:
        with pytest.raises(SpecError, match=r"by-site\.yaml: GET /sites/\{site\}/bookings: .*literal path"):
            create_app(Settings(apis=(by_site.name,), count=10))
    finally:
        unregister(by_site.name)


def _failed(result: RunResult) -> set[str]:
    return {c.name for c in result.checks if c.verdict is Verdict.FAILED}


def test_the_contract_tester_passes_the_third_api(server: str) -> None:
    result = run(FuzzOptions(api=TABLE.name, target=f"{server}/rooms", max_examples=20, seed=1))
    passed = {c.name for c in result.checks if c.verdict is Verdict.PASSED}
    assert (result.exit_code, result.fatal, result.errors, _failed(result)) == (0, None, [], set())
    assert {
        "items_within_window",
        "items_in_order",
        "page_size_respected",
        "count_consistent",
        "credentials_refused",
        "query_strings_strict",
        "bounds_validated",
    } <= passed


async def _out_of_order(p: Params, body: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    body["items"].reverse()
    return body


async def _room_ignored(p: Params, body: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    if p.get("roomName"):
        return await fetch({k: v for k, v in p.items() if k != "roomName"})
    return body


async def _always_counted(p: Params, body: dict[str, Any], fetch: Fetch) -> dict[str, Any]:
    if "total" not in body:
        body["total"] = (await fetch({**p, "withTotal": "true"}))["total"]
    return body


@pytest.mark.parametrize(
    ("rewrite", "check"),
    [
        (_out_of_order, "items_in_order"),
        (_room_ignored, "category_honoured"),
        (_always_counted, "total_count_when_asked"),
    ],
    ids=["out-of-order", "room-ignored", "always-counted"],
)
def test_the_contract_tester_catches_a_broken_third_api(registered: None, rewrite: Any, check: str) -> None:
    app = broken(create_app(Settings(apis=(TABLE.name,), count=400, seed=5)), Breakage(body=rewrite), "/rooms/bookings")
    result = run(FuzzOptions(api=TABLE.name, target="http://testserver/rooms", app=app, max_examples=20, seed=1))
    assert result.exit_code == 1
    assert check in _failed(result)


def test_the_third_api_is_written_by_the_native_writer_as_python_writes_it() -> None:
    """Its table is four descriptors and no C: the native writer writes its pages, byte for byte the records as the
    Python renderer makes them, in its spec's property order."""
    _, render = TABLE.generate(3, 500, 1_735_689_600_000_000)
    assert isinstance(render, Records) and render.page is not None
    indexes = list(range(0, 500, 7))
    page = render.page(indexes)
    assert page == orjson.dumps([orjson.Fragment(orjson.dumps(render(i))) for i in indexes])
    written = list(SPEC["components"]["schemas"]["Booking"]["properties"])
    assert [list(r) for r in orjson.loads(page)] == [written] * len(indexes)
