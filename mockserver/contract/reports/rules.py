"""The register's rules that a target can be checked on, as shipped for the semantic report (``rules.json``,
generated from tests/rules/register.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import orjson

__all__ = ["Rule", "rules_of"]


@dataclass(frozen=True)
class Rule:
    id: str
    api: str
    words: str
    checks: tuple[str, ...]


@cache
def _all() -> tuple[Rule, ...]:
    document = orjson.loads(files("mockserver.contract.reports").joinpath("rules.json").read_bytes())
    return tuple(Rule(r["id"], r["api"], r["words"], tuple(r["checks"])) for r in document["rules"])


def rules_of(api: str) -> list[Rule]:
    """The rules of ``api`` (none for an API registered at run time: the report then shows its checks only)."""
    return [rule for rule in _all() if rule.api == api]
