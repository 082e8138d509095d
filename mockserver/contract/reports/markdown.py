"""The Markdown report a person attaches to a bug: verdicts, coverage, each failure with its curl."""

from __future__ import annotations

from pathlib import Path

from mockserver.contract.reports.terminal import coverage_lines
from mockserver.contract.results import RunResult

__all__ = ["write_report"]


def write_report(result: RunResult, path: Path) -> None:
    lines = [f"# Contract test: `{result.api}` at `{result.target}`", ""]
    if result.interrupted:
        lines += [f"**Interrupted**: {result.cut_short}; the verdicts below cover only what ran.", ""]
    elif result.stopped is not None:
        lines += [f"The run ended early: {result.stopped} (see Errors).", ""]
    if result.fatal is not None:
        lines += [f"The run could not start: {result.fatal}", ""]
    elif result.checks or not result.interrupted:
        lines += ["| check | kind | responses | fired | failures | verdict |", "|---|---|---:|---:|---:|---|"]
        lines += [
            f"| `{c.name}` | {'semantic' if c.semantic else 'schemathesis'} | {c.runs} | "
            f"{c.fired if c.semantic else ''} | {c.failures} | {c.verdict.value} |"
            for c in result.checks
        ]
        lines += ["", "## Coverage", "", *(f"- {line}" for line in coverage_lines(result)), ""]
    if result.failures:
        lines += ["## Failures", ""]
        for n, f in enumerate(result.failures, 1):
            lines += [f"### {n}. `{f.check}`: {f.title}", "", "```", f.message, "```", "", "```sh", f.curl, "```", ""]
    if result.errors:
        lines += ["## Errors", "", *(f"- {e}" for e in result.errors), ""]
    lines += [
        f"Seed: `{result.seed}` (replay with `--seed {result.seed}`).",
        "",
        f"**{result.passed} passed, {result.failed} failed{', interrupted' if result.interrupted else ''}**",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
