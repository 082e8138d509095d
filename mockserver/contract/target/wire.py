"""Query values and record fields read the way the checks compare them: ASCII integers, exact instants."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mockserver.core.instants import Instant, parse_instant

__all__ = ["as_bool", "as_instant", "as_int", "record_instant"]

_INT = re.compile(r"-?[0-9]+", re.ASCII)


def as_int(value: Any) -> int | None:
    """An integer query value (as generated, or as sent on the wire), None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT.fullmatch(value):
        return int(value)
    return None


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value) if isinstance(value, str) else None


def as_instant(value: Any) -> Instant | None:
    return parse_instant(value) if isinstance(value, str) else None


def record_instant(record: Mapping[str, Any], name: str) -> Instant | None:
    return as_instant(record.get(name))
