"""Generated records stay stable under change: each rendered field draws from its own stream.

The oracle is the shipped field table itself: rendering with a field added to it must leave every other field's
JSON byte for byte as it was, for both APIs and two seeds; the same seed gives the same bytes in a fresh process.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from mockserver.apis import events, interventions, table
from mockserver.apis.datasets import dump_records, generated_store
from mockserver.core.draws import Field, Hasher, chance, integer
from mockserver.core.openapi import ApiId
from mockserver.server.settings import DEFAULT_ANCHOR, anchor_micros
from tests.specs import SHIPPED as API_IDS
from tests.specs import raw_spec

ROOT = Path(__file__).resolve().parents[2]
COUNT = 300
SEEDS = (1, 2)
ANCHOR = 1_735_689_600_000_000  # 2025-01-01T00:00:00Z in µs
TABLES: dict[ApiId, tuple[Field[Any], ...]] = {"events": events.FIELDS, "interventions": interventions.FIELDS}
GENERATE: dict[ApiId, Callable[..., Any]] = {"events": events.generate, "interventions": interventions.generate}

Record = dict[str, Any]


def _records(api: ApiId, seed: int, fields: tuple[Field[Any], ...] | None = None) -> list[Record]:
    generate = GENERATE[api]
    _, render = generate(seed, COUNT, ANCHOR) if fields is None else generate(seed, COUNT, ANCHOR, fields)
    return [render(i) for i in range(COUNT)]


def _extra(d: Any, i: int, bits: int, values: Record) -> int | None:
    """A new field that draws twice from its stream, conditionally, the way the shipped ones do."""
    return integer(bits, 1, 1000) if chance(bits, 0.5) else None


def _changed_fields(api: ApiId, seed: int, table: tuple[Field[Any], ...]) -> list[str]:
    shipped, extended = _records(api, seed), _records(api, seed, table)
    return sorted(
        {
            name
            for before, after in zip(shipped, extended, strict=True)
            for name in before
            if orjson.dumps(before[name]) != orjson.dumps(after[name])
        }
    )


def digest(api: ApiId, seed: int) -> str:
    """The SHA-256 of ``COUNT`` records of ``api`` as JSON (also run in a fresh process by a test below)."""
    return hashlib.sha256(b"\n".join(orjson.dumps(r) for r in _records(api, seed))).hexdigest()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("api", API_IDS)
def test_a_field_added_at_the_front_changes_no_other(api: ApiId, seed: int) -> None:
    table = (Field("extra", _extra), *TABLES[api])
    assert _changed_fields(api, seed, table) == []


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("api", API_IDS)
def test_a_field_added_in_the_middle_changes_no_other(api: ApiId, seed: int) -> None:
    half = len(TABLES[api]) // 2
    table = (*TABLES[api][:half], Field("extra", _extra), *TABLES[api][half:])
    assert _changed_fields(api, seed, table) == []


@pytest.mark.parametrize("api", API_IDS)
def test_the_added_field_is_served_with_values_from_its_own_stream(api: ApiId) -> None:
    table = (Field("extra", lambda d, i, bits, values: bits), *TABLES[api])
    hasher = Hasher(SEEDS[0], api)
    served = [r["extra"] for r in _records(api, SEEDS[0], table)]
    assert served == [hasher.stream("extra", i) for i in range(COUNT)]


@pytest.mark.parametrize("api", API_IDS)
def test_records_are_written_in_the_spec_property_order(api: ApiId) -> None:
    name = {"interventions": "Intervention", "events": "Event"}[api]
    assert list(_records(api, SEEDS[0])[0]) == list(raw_spec(api)["components"]["schemas"][name]["properties"])


@pytest.mark.parametrize("api", API_IDS)
def test_a_fresh_process_with_another_hash_seed_gives_the_same_bytes(api: ApiId) -> None:
    code = f"from tests.apis.test_draw_streams import digest; print(digest({api!r}, {SEEDS[0]}))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    assert out.stdout.strip() == digest(api, SEEDS[0])


@pytest.mark.parametrize("api", API_IDS)
def test_another_seed_changes_every_field_but_the_numbering(api: ApiId) -> None:
    first, second = _records(api, SEEDS[0]), _records(api, SEEDS[1])
    same = [name for name in first[0] if [r[name] for r in first] == [r[name] for r in second]]
    assert same == (["id"] if api == "interventions" else [])  # interventions are numbered 1, 2, ... in every seed


@pytest.mark.parametrize("api", API_IDS)
def test_every_shipped_field_is_made_from_its_own_stream(api: ApiId) -> None:
    seen: list[tuple[str, int, int]] = []

    def watched(field: Field[Any]) -> Field[Any]:
        def make(d: Any, i: int, bits: int, values: Record) -> Any:
            seen.append((field.name, i, bits))
            return field.make(d, i, bits, values)

        return Field(field.name, make, field.write)

    _records(api, SEEDS[0], tuple(watched(f) for f in TABLES[api]))
    hasher = Hasher(SEEDS[0], api)
    assert len(seen) == COUNT * len(TABLES[api])
    assert [bits for _, _, bits in seen] == [hasher.stream(name, i) for name, i, _ in seen]


@pytest.mark.parametrize("api", API_IDS)
def test_seed_1_still_generates_the_shipped_sample_records(api: ApiId) -> None:
    """A golden file: ``fixtures/{api}-sample.json`` is ``mockserver fixtures --api {api} --count 5 --seed 1``.

    Any change to the generated bytes (a renamed field, a changed stream) shows here, and asks for a CHANGELOG entry.
    """
    sample = (Path(__file__).resolve().parents[2] / "fixtures" / f"{api}-sample.json").read_bytes()
    records = list(dump_records(generated_store(table(api), 1, 5, anchor_micros(DEFAULT_ANCHOR))))
    assert sample == b"[\n" + b",\n".join(records) + b"\n]\n"
