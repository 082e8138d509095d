"""A deployment's records: generated once by the mock's data generator, then held as an immutable snapshot that a
live deployment replaces (never edits) on every change, so that each request reads one consistent state."""

from __future__ import annotations

import asyncio
import contextlib
import random
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

import orjson

from mockserver.apis import table
from mockserver.apis.datasets import dump_records, generated_store
from mockserver.server.settings import DEFAULT_ANCHOR, anchor_micros
from tests.deployments.config import Api, Config
from tests.deployments.instants import instant

__all__ = ["MICROS", "SYSTEM_USER_ID", "TIME_FIELDS", "Record", "Store", "generated"]

SYSTEM_USER_ID = 1  # the alternative deployment's author of auto-created interventions
TIME_FIELDS: dict[Api, tuple[str, ...]] = {
    "events": ("start", "end", "created_at", "updated_at"),
    "interventions": ("scheduledStart", "scheduledEnd"),
}
MICROS = 1_000_000
_EVENT_ID = string.digits + "abcdefghijklmnopqrstuv"


@dataclass(frozen=True)
class Record:
    """One record as served, with the instants of its window and order fields in whole microseconds (exact: the
    records' instants have milliseconds)."""

    body: Mapping[str, Any]
    at: Mapping[str, int]

    @classmethod
    def of(cls, api: Api, body: dict[str, Any]) -> Record:
        at = {}
        for name in TIME_FIELDS[api]:
            found = instant(body[name])
            if found is None or (found * MICROS).denominator != 1:
                raise ValueError(f"record {body['id']}: {name}={body[name]!r} is not a date-time in whole µs")
            at[name] = int(found * MICROS)
        return cls(MappingProxyType(body), MappingProxyType(at))


def generated(config: Config) -> tuple[Record, ...]:
    """``config.count`` records of the mock's generator (seeded), as this deployment serves them."""
    store = generated_store(table(config.api), config.seed, config.count, anchor_micros(DEFAULT_ANCHOR))
    bodies: list[dict[str, Any]] = [orjson.loads(raw) for raw in dump_records(store)]
    if config.api == "interventions" and config.alternative:
        for body in bodies:
            if body["autoCreated"]:
                body["createdByUserId"] = SYSTEM_USER_ID
    return tuple(Record.of(config.api, body) for body in bodies)


def _text(moment: datetime, api: Api) -> str:
    """An instant as the API writes it: milliseconds, +08:00 (events) or Z (interventions)."""
    zone = timezone(timedelta(hours=8)) if api == "events" else UTC
    return moment.astimezone(zone).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Store:
    """The records a deployment serves now; ``records`` is replaced whole on each change (readers keep theirs)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.records: tuple[Record, ...] = generated(config)
        self.changes = 0
        self._random = random.Random(config.seed)

    def change(self) -> None:
        """Create a record (one time in three) or move an existing one in time, as users of the calendar do."""
        rng, api = self._random, self.config.api
        source = rng.choice(self.records)
        body = dict(source.body)
        shift = timedelta(minutes=15 * rng.randint(-2000, 2000))
        start_key, end_key, updated_key, created_key = (
            ("start", "end", "updated_at", "created_at")
            if api == "events"
            else ("scheduledStart", "scheduledEnd", "updatedAt", "createdAt")
        )
        edited = max(_moment(body[updated_key]), _moment(body[created_key])) + timedelta(
            seconds=rng.randint(1, 86400), milliseconds=rng.randint(0, 999)
        )
        body[start_key] = _text(_moment(body[start_key]) + shift, api)
        body[end_key] = _text(_moment(body[end_key]) + shift, api)
        records = list(self.records)
        if rng.random() < 1 / 3:
            body[created_key] = body[updated_key] = _text(edited, api)
            if api == "events":
                body["id"] = "".join(rng.choice(_EVENT_ID) for _ in range(26))
            else:
                body["id"] = max(int(r.body["id"]) for r in records) + 1
            records.append(Record.of(api, body))
        else:
            body[updated_key] = _text(edited, api)
            records[records.index(source)] = Record.of(api, body)
        self.records = tuple(records)
        self.changes += 1

    async def keep_changing(self) -> None:
        """Change the data every 50-200 ms (seeded) until cancelled."""
        while True:
            await asyncio.sleep(self._random.uniform(0.05, 0.2))
            self.change()

    @contextlib.asynccontextmanager
    async def changing(self) -> Any:
        """Keep changing the data while the block runs (the app's lifespan)."""
        task = asyncio.create_task(self.keep_changing())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
