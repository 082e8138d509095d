"""Fixture files: a round trip through `mockserver fixtures` serves the same bytes; bad files name what is wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from starlette.testclient import TestClient

from mockserver.apis import table
from mockserver.apis.datasets import FixtureError, load_store
from mockserver.core.openapi import ApiId
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.support.data import EVENTS, INTERVENTIONS, SESSION
from tests.support.specs import SHIPPED as API_IDS
from tests.support.tokens import AUTH

URLS = {
    "events": (f"{EVENTS}?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&limit=30&orderBy=end", AUTH),
    "interventions": (
        f"{INTERVENTIONS}?scheduledStart=2024-01-01T00:00:00Z&scheduledEnd=2026-01-01T00:00:00Z"
        "&includeSites=true&includeCount=true&pageSize=30&page=2",
        {**AUTH, **SESSION},
    ),
}


def _dump(api: ApiId, path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mockserver", "fixtures", "--api", api, "--count", "120", "--seed", "4"],
        check=True,
        capture_output=True,
    ).stdout
    path.write_bytes(out)


@pytest.mark.parametrize("api", API_IDS)
def test_round_trip_serves_the_same_bytes(api: ApiId, tmp_path: Path) -> None:
    path = tmp_path / f"{api}.json"
    _dump(api, path)
    url, headers = URLS[api]
    with (
        TestClient(create_app(Settings(seed=4, count=120))) as generated,
        TestClient(create_app(Settings(seed=99, count=5, fixtures={api: path}))) as loaded,
    ):
        assert generated.get(url, headers=headers).content == loaded.get(url, headers=headers).content


def test_yaml_page_objects_are_read(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    _dump("events", tmp_path / "e.json")
    records = orjson.loads((tmp_path / "e.json").read_bytes())
    path.write_text("events:\n" + "".join(f"  - {orjson.dumps(r).decode()}\n" for r in records), encoding="utf-8")
    assert load_store(table("events"), path).columns.count == 120


def _write(tmp_path: Path, records: object, name: str = "f.json") -> Path:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(records))
    return path


def _event(**changes: object) -> dict[str, object]:
    event: dict[str, object] = {
        "id": "a2frtf13cuaqhit9pf26lqmvr4",
        "created_at": "2015-11-03T07:45:34.000+08:00",
        "updated_at": "2015-11-03T07:45:34.000+08:00",
        "summary": "s",
        "description": None,
        "location": None,
        "category": "學生",
        "start": "2016-01-01T08:00:00.000+08:00",
        "end": "2016-07-01T09:00:00.000+08:00",
        "link": None,
    }
    return {**event, **changes}


BAD = [
    pytest.param(
        [_event(), _event(id="b", start="2016-02-30T00:00:00Z")],
        "record 1: field 'start': '2016-02-30T00:00:00Z' is not a 'date-time'",
        id="bad-date",
    ),
    pytest.param([_event(summary=None)], "record 0: field 'summary': None for not nullable", id="null"),
    pytest.param(
        [{k: v for k, v in _event().items() if k != "end"}],
        "record 0: field '(record)': 'end' is a required",
        id="missing-field",
    ),
    pytest.param([_event(), _event()], "record 1: field 'id'", id="duplicate-id"),
    pytest.param({"not": "a list"}, "expected a list of records", id="not-a-list"),
]


@pytest.mark.parametrize(("records", "message"), BAD)
def test_invalid_files_name_the_record_field_and_reason(tmp_path: Path, records: object, message: str) -> None:
    path = _write(tmp_path, records)
    with pytest.raises(FixtureError) as error:
        load_store(table("events"), path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


def test_unparsable_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(FixtureError, match=r"broken.json: not valid JSON"):
        load_store(table("events"), path)
