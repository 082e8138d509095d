"""What a server is asked to serve: a frozen value built by the CLI or by tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path

import orjson

from mockserver.apis import names
from mockserver.core.openapi import ApiId
from mockserver.server.chaos import Chaos
from mockserver.server.journal import DEFAULT_BYTES, DEFAULT_CAPACITY

__all__ = ["DEFAULT_ANCHOR", "DEFAULT_COUNT", "DEFAULT_JOURNAL_BYTES", "Settings", "anchor_micros"]

DEFAULT_ANCHOR = date(2025, 1, 1)
DEFAULT_COUNT = 1000
DEFAULT_JOURNAL_BYTES = DEFAULT_BYTES


def anchor_micros(day: date) -> int:
    """Midnight UTC of ``day`` in microseconds since the epoch."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000


@dataclass(frozen=True)
class Settings:
    apis: tuple[ApiId, ...] = field(default_factory=names)  # every registered API
    seed: int = 0
    count: int = DEFAULT_COUNT
    anchor: date = DEFAULT_ANCHOR
    fixtures: Mapping[ApiId, Path] = field(default_factory=dict)
    accepted_tokens: frozenset[str] = frozenset()
    validate_responses: bool = False
    access_log: bool = False  # one line per request on stderr (the server turns it on)
    cors_origins: tuple[str, ...] = ("*",)  # () turns CORS off
    chaos: Chaos = field(default_factory=Chaos)
    journal: int = DEFAULT_CAPACITY  # requests kept in the journal (0: off)
    journal_bytes: int = DEFAULT_BYTES  # what the journal's entries may weigh together
    admin_token: str | None = None  # required by /__mock when given
    admin_loopback: bool = True  # the server is bound to loopback: /__mock is open without a token
    state: str | None = None  # where the journal and scenarios are shared: a redis:// URL (None: embedded)

    def to_json(self) -> str:
        """These settings as JSON, for worker processes (``from_json`` reads it back)."""
        return orjson.dumps(
            {
                **{f.name: getattr(self, f.name) for f in fields(self)},
                "anchor": self.anchor.isoformat(),
                "fixtures": {api: str(path) for api, path in self.fixtures.items()},
                "accepted_tokens": sorted(self.accepted_tokens),
            }
        ).decode()

    @classmethod
    def from_json(cls, text: str) -> Settings:
        data = orjson.loads(text)
        return cls(
            **{
                **data,
                "apis": tuple(data["apis"]),
                "anchor": date.fromisoformat(data["anchor"]),
                "fixtures": {api: Path(path) for api, path in data["fixtures"].items()},
                "accepted_tokens": frozenset(data["accepted_tokens"]),
                "cors_origins": tuple(data["cors_origins"]),
                "chaos": Chaos(**{**data["chaos"], "latency_ms": tuple(data["chaos"]["latency_ms"] or ()) or None}),
            }
        )
