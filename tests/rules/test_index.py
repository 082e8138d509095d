"""The rules index the semantic report reads (mockserver/contract/rules.json) is what the register generates."""

from __future__ import annotations

from tests.rules.index import COMMAND, INDEX, index
from tests.rules.register import load_register


def test_the_shipped_rules_index_is_generated_from_the_register() -> None:
    assert INDEX.read_bytes() == index(load_register()), f"{INDEX.name} is stale: run {COMMAND}"
