"""The shipped specs as plain YAML, read by the tests themselves: an oracle independent of the compiled view."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, cast

import yaml

SHIPPED = ("interventions", "events")
SPEC_DIR = Path(__file__).resolve().parents[2] / "spec"


def spec_file(api: str) -> Path:
    return SPEC_DIR / f"{api}.yaml"


@functools.cache
def raw_spec(api: str) -> dict[str, Any]:
    return cast(dict[str, Any], yaml.safe_load(spec_file(api).read_text(encoding="utf-8")))


def raw_operation(api: str) -> tuple[str, dict[str, Any]]:
    """The path and the GET operation of a shipped spec (each has exactly one)."""
    ((path, item),) = raw_spec(api)["paths"].items()
    return path, cast(dict[str, Any], item["get"])
