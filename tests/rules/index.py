"""Write the register's rules into the package, for the semantic report: `.venv/bin/python -m tests.rules.index`.

The contract tester ships without tests/, so the report reads ``mockserver/contract/reports/rules.json``: per
rule of the register that a target can be checked on, its id, API, words and checks. ``test_index.py`` keeps it in step.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from tests.rules.register import ROOT, Entry, load_register

__all__ = ["COMMAND", "INDEX", "index"]

INDEX = ROOT / "mockserver" / "contract" / "reports" / "rules.json"
COMMAND = ".venv/bin/python -m tests.rules.index"


def index(entries: Sequence[Entry]) -> bytes:
    """The index's bytes: the checked rules, sorted by id."""
    rules = sorted((e for e in entries if e.is_rule and e.checks), key=lambda e: str(e.id))
    document = {
        "generated": f"from tests/rules/register.yaml by `{COMMAND}`; do not edit by hand",
        "rules": [{"id": r.id, "api": r.api, "words": r.words, "checks": list(r.checks or ())} for r in rules],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def main() -> None:
    data = index(load_register())
    stale = not INDEX.exists() or INDEX.read_bytes() != data
    if stale:
        INDEX.write_bytes(data)
    print(f"{INDEX.name}: {'rewritten' if stale else 'already up to date'}")


if __name__ == "__main__":
    main()
