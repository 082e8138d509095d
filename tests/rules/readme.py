"""Write the register's rules into README.md between the rules markers: `.venv/bin/python -m tests.rules.readme`."""

from __future__ import annotations

from collections.abc import Sequence

from tests.rules.register import ROOT, Entry, load_register
from tests.support.specs import SHIPPED as API_IDS

__all__ = ["BEGIN", "COMMAND", "END", "README", "rewrite", "section"]

README = ROOT / "README.md"
BEGIN = "<!-- rules:begin -->"
END = "<!-- rules:end -->"
COMMAND = ".venv/bin/python -m tests.rules.readme"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def section(entries: Sequence[Entry]) -> str:
    """The generated Markdown: per API, a table of its rules by id, with the spec's words and what checks them."""
    rules = [entry for entry in entries if entry.is_rule]
    informative = len(entries) - len(rules)
    unobservable = sum(1 for rule in rules if rule.unobservable)
    lines = [
        f"<!-- generated from tests/rules/register.yaml by `{COMMAND}`; do not edit by hand -->",
        f"{len(entries)} sentences: {len(rules)} rules ({len(rules) - unobservable} checked on a target, "
        f"{unobservable} not observable from outside, tested on the mock only) and {informative} informative. "
        "Class *api*: the documents state it, or every faithful HTTP server does it; a deployment is held to it. "
        "Class *mock*: the mock's own decision where the documents are silent; only the mock is held to it.",
    ]
    for api in API_IDS:
        lines += ["", f"**{api}**", "", "| rule | class | the spec says | checked by |", "|---|---|---|---|"]
        for rule in sorted((r for r in rules if r.api == api), key=lambda r: str(r.id)):
            checked = (
                ", ".join(f"`{name}`" for name in rule.checks)
                if rule.checks
                else f"not observable: {rule.unobservable}"
            )
            lines.append(f"| `{rule.id}` | {rule.rule_class} | {_cell(rule.words)} | {_cell(checked)} |")
    return "\n".join(lines)


def rewrite(text: str, entries: Sequence[Entry]) -> str:
    """``text`` (README.md) with the part between the markers replaced by ``section(entries)``."""
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise ValueError(f"README.md must hold {BEGIN} and then {END}, once each")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    return f"{head}{BEGIN}\n{section(entries)}\n{END}{tail}"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    updated = rewrite(text, load_register())
    if updated != text:
        README.write_text(updated, encoding="utf-8")
    print(f"{README.name}: {'rewritten' if updated != text else 'already up to date'}")


if __name__ == "__main__":
    main()
