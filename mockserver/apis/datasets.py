"""Datasets: generated from a seed, or loaded from a user's JSON/YAML file and validated against the spec."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import yaml

from mockserver.apis.shape import ApiTable
from mockserver.core.draws import Records
from mockserver.core.instants import parse_instant
from mockserver.core.openapi import SpecError
from mockserver.core.store import Columns, Store

__all__ = ["FixtureError", "dump_records", "generated_store", "load_store"]


class FixtureError(SpecError):
    """A fixture file that cannot be served: the message names the file, the record, the field and why."""


def generated_store(api: ApiTable, seed: int, count: int, anchor: int) -> Store:
    columns, render = api.generate(seed, count, anchor)
    page = render.page if isinstance(render, Records) else None
    return Store(columns, render, page).prepare(api.indexed_fields)


def dump_records(store: Store) -> Iterator[bytes]:
    """Every record of ``store`` as JSON, in record order: the format ``load_store`` reads back."""
    for i in range(store.columns.count):
        yield store.record_json(i)


def _read(path: Path, list_key: str) -> list[Any]:
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        document = orjson.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (orjson.JSONDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0]
        kind = "JSON" if path.suffix.lower() == ".json" else "YAML"
        raise FixtureError(f"{path}: not valid {kind}: {reason}") from None
    if isinstance(document, dict) and isinstance(document.get(list_key), list):
        document = document[list_key]
    if not isinstance(document, list):
        raise FixtureError(f"{path}: expected a list of records (or an object with a '{list_key}' list)")
    return document


def load_store(api: ApiTable, path: Path) -> Store:
    """The records of ``path``, each validated against the spec's item schema, as a Store."""
    records = _read(path, api.items_key)
    validator = api.spec.validator(api.spec.item_schema(api.items_key))
    for index, record in enumerate(records):
        error = next(iter(sorted(validator.iter_errors(record), key=lambda e: list(e.path))), None)
        if error is not None:
            where = "/".join(str(p) for p in error.path) or "(record)"
            raise FixtureError(f"{path}: record {index}: field '{where}': {error.message}")
    return Store(_columns(api, records, path), lambda i: records[i]).prepare(api.indexed_fields)


def _columns(api_map: ApiTable, records: list[dict[str, Any]], path: Path) -> Columns:
    times: dict[str, np.ndarray[Any, np.dtype[np.int64]]] = {}
    for name in api_map.time_fields:
        values = []
        for index, record in enumerate(records):
            instant = parse_instant(record[name])
            assert instant is not None, "validated as a date-time"
            if instant.sub_micro:
                raise FixtureError(f"{path}: record {index}: field '{name}': more than 6 fractional digits")
            values.append(instant.micros)
        times[name] = np.array(values, dtype=np.int64)
    seen: dict[Any, int] = {}
    for index, record in enumerate(records):
        if record["id"] in seen:
            first = seen[record["id"]]
            raise FixtureError(f"{path}: record {index}: field 'id': {record['id']!r} repeats record {first}")
        seen[record["id"]] = index
    id_rank = np.empty(len(records), dtype=np.int64)
    id_rank[sorted(range(len(records)), key=lambda i: records[i]["id"])] = np.arange(len(records))
    ids = np.array([r["id"] for r in records], dtype=np.int64) if api_map.int_ids else None
    category = names = None
    if api_map.category_field is not None:
        names = tuple(sorted({r[api_map.category_field] for r in records}))
        code = {name: n for n, name in enumerate(names)}
        category = np.array([code[r[api_map.category_field]] for r in records], dtype=np.int32)
    return Columns(
        count=len(records), times=times, id_rank=id_rank, ids=ids, category=category, category_names=names or ()
    )
