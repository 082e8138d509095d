"""README.md's rules section is what the register generates."""

from __future__ import annotations

import pytest

from tests.rules.readme import BEGIN, COMMAND, END, README, rewrite, section
from tests.rules.register import Entry, load_register


def test_readme_rules_section_is_generated_from_the_register() -> None:
    text = README.read_text(encoding="utf-8")
    assert rewrite(text, load_register()) == text, f"README.md's rules section is stale: run {COMMAND}"


def test_rewrite_replaces_only_the_part_between_the_markers() -> None:
    rule = Entry(
        api="events",
        where="/w",
        words="A | B.",
        id="events.x.y",
        rule_class="api",
        mock=("t",),
        checks=("page_echoed",),
    )
    text = f"before\n{BEGIN}\nold\n{END}\nafter\n"
    assert rewrite(text, [rule]) == f"before\n{BEGIN}\n{section([rule])}\n{END}\nafter\n"
    assert "| `events.x.y` | api | A \\| B. | `page_echoed` |" in section([rule])


def test_rewrite_refuses_a_readme_without_the_markers() -> None:
    with pytest.raises(ValueError, match="rules:begin"):
        rewrite("no markers here", [])
