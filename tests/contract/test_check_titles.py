"""A failure's title is the rule its check verifies, held as data: the same text whatever Python's optimisation level
(``python -OO`` drops docstrings), and one title for every check."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

_PRINT = (
    "import json; from mockserver.contract.checks import CHECK_NAMES, RULES; print(json.dumps([CHECK_NAMES, RULES]))"
)


def _titles(*flags: str) -> list[object]:
    done = subprocess.run(
        [sys.executable, *flags, "-c", _PRINT], capture_output=True, text=True, check=True, env=dict(os.environ)
    )
    loaded: list[object] = json.loads(done.stdout)
    return loaded


@pytest.fixture(scope="module")
def plain() -> list[object]:
    return _titles()


def test_the_titles_are_the_same_without_docstrings(plain: list[object]) -> None:
    assert _titles("-OO") == plain


def test_every_check_has_one_title_of_its_own(plain: list[object]) -> None:
    names, rules = plain
    assert isinstance(rules, dict)
    assert (list(rules), all(isinstance(v, str) and v.strip() for v in rules.values())) == (names, True)
