"""Locate, load and validate the two specs once; fail fast naming the file and the JSON pointer."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

__all__ = ["API_IDS", "ApiId", "SpecError", "data_dir", "item_schema", "load_spec", "operation", "spec_path"]

ApiId = Literal["interventions", "events"]
API_IDS: tuple[ApiId, ...] = ("interventions", "events")

_PACKAGE = Path(__file__).resolve().parent.parent


class SpecError(Exception):
    """A spec or data file that cannot be used; the message names the file and the place."""


def data_dir(name: str) -> Path:
    """``spec/`` or ``fixtures/``: inside an installed wheel, or beside the package in a checkout."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise SpecError(f"cannot find the {name}/ folder next to {_PACKAGE}")


def spec_path(api: ApiId) -> Path:
    return data_dir("spec") / f"{api}.yaml"


@functools.cache
def load_spec(api: ApiId) -> dict[str, Any]:
    """The spec of ``api`` as a plain dict, validated against the OpenAPI 3.0 schema (cached; treat as read-only)."""
    path = spec_path(api)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: {exc}") from None
    try:
        validate(document)
    except OpenAPIValidationError as exc:
        pointer = "/" + "/".join(str(p) for p in exc.absolute_path)
        raise SpecError(f"{path}#{pointer}: {exc.message}") from None
    return cast(dict[str, Any], document)


@dataclass(frozen=True)
class Operation:
    """The one operation of a spec: where it lives and its parsed pieces."""

    path: str
    method: str
    spec: dict[str, Any]

    @property
    def parameters(self) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self.spec.get("parameters", []))


def operation(api: ApiId) -> Operation:
    """The list operation of ``api`` (each spec has exactly one)."""
    paths = load_spec(api)["paths"]
    ((path, item),) = paths.items()
    return Operation(path=path, method="get", spec=item["get"])


def item_schema(api: ApiId) -> dict[str, Any]:
    """The schema of one listed record, with ``components`` attached so that ``$ref``s resolve."""
    spec = load_spec(api)
    name = {"interventions": "Intervention", "events": "Event"}[api]
    return {**spec["components"]["schemas"][name], "components": spec["components"]}
