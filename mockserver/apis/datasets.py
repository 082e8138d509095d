"""Datasets: generated from a seed, or loaded from a user's JSON/YAML file and validated against the spec."""

from __future__ import annotations

import os
import stat
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

__all__ = ["FIXTURE_MAX_BYTES", "FixtureError", "dump_records", "generated_store", "load_store"]

FIXTURE_MAX_BYTES = 256 * 1024 * 1024  # a fixture file larger than this is refused before it is read


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


class _NoAliases(yaml.SafeLoader):
    """YAML's safe loader, refusing aliases: a few hundred bytes of nested aliases expand to gigabytes of records."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a fixture", mark)
        return super().compose_node(parent, index)


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _bytes(path: Path) -> bytes:
    """The file's bytes: a regular file of at most ``FIXTURE_MAX_BYTES``, judged before it is opened for reading."""
    try:
        status = os.stat(path)
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _KINDS if test(status.st_mode)), "not a regular file")
        raise FixtureError(f"{path}: is {kind}; a fixture must be a regular file")
    if status.st_size > FIXTURE_MAX_BYTES:
        raise FixtureError(f"{path}: {status.st_size} bytes; a fixture holds at most {FIXTURE_MAX_BYTES} bytes")
    try:
        with path.open("rb") as file:
            text = file.read(FIXTURE_MAX_BYTES + 1)  # the file may have grown since
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read: {exc.strerror}") from None
    if len(text) > FIXTURE_MAX_BYTES:
        raise FixtureError(f"{path}: more than {FIXTURE_MAX_BYTES} bytes; a fixture holds at most that")
    return text


def _read(path: Path, list_key: str) -> list[Any]:
    text = _bytes(path)
    try:
        document = orjson.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_NoAliases)
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
