"""The semantic report (``semantic.html``): what a run tested, in one self-contained page a person reads.

Rendered by Jinja2 from ``templates/semantic.html.j2`` (autoescaped); the register's prose is Markdown, rendered by
markdown-it-py with raw HTML off (so a rule's words cannot inject markup). The verdict; each check's responses,
firings and failures (a check that never fired stands out); the semantic ground covered as one compact row per
rule of the register, with a heat map of the distinct values its checks' requests reached per facet; every value
reached, folded; response times per status (a table and pygal's inline SVG box plot: the page makes no request
when opened); the failures grouped by check, the first examples of each with their curl, the rest counted.
"""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from mockserver.contract.reports.charts import box
from mockserver.contract.reports.grouping import by_check
from mockserver.contract.reports.rules import rules_of
from mockserver.contract.results import EXIT_CLEAN, EXIT_NOT_EXERCISED, EXIT_VIOLATIONS, RunResult, Verdict
from mockserver.contract.target.facets import FACETS

__all__ = ["write_semantic"]

_EXIT = {
    EXIT_CLEAN: ("passed", "no violation, every check exercised"),
    EXIT_VIOLATIONS: ("failed", "violations"),
    EXIT_NOT_EXERCISED: ("never", "no violation, but some checks never had anything to verify"),
}
_CSS = {
    Verdict.PASSED: "passed",
    Verdict.FAILED: "failed",
    Verdict.NOT_EXERCISED: "never",
    Verdict.NOT_APPLICABLE: "never",
}
_LEVELS = 4  # heat levels above blank
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_TEMPLATES = Environment(
    loader=PackageLoader("mockserver.contract.reports", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _verdict(result: RunResult) -> dict[str, str]:
    css, meaning = _EXIT.get(result.exit_code, ("failed", "the run could not be completed"))
    shard = f" (shard {result.shard[0]}/{result.shard[1]})" if result.shard[1] > 1 else ""
    return {
        "css": css,
        "meaning": meaning,
        "tally": f"{result.passed} passed, {result.failed} failed" + (", interrupted" if result.interrupted else ""),
        "facts": (
            f"seed {result.seed}{shard} · {result.requests} requests judged · {result.sent} sent in all · "
            f"{result.survey_records} records surveyed · {result.elapsed:.1f} s"
        ),
    }


def _checks(result: RunResult) -> list[dict[str, Any]]:
    return [
        {
            "name": check.name,
            "kind": "semantic" if check.semantic else "schemathesis",
            "runs": check.runs,
            "fired": check.fired if check.semantic else "",
            "failures": check.failures,
            "css": _CSS[check.verdict],
            "label": "never fired" if check.verdict is Verdict.NOT_EXERCISED else check.verdict.value,
            "reason": check.reason,
        }
        for check in result.checks
    ]


def _markdown(words: str) -> Markup:
    return Markup(_MARKDOWN.renderInline(words))


def _rules(result: RunResult) -> list[dict[str, Any]]:
    fired = {c.name: c.fired if c.semantic else c.runs for c in result.checks}  # a built-in judges every answer
    rows: list[dict[str, Any]] = []
    for rule in rules_of(result.api):
        reached: Counter[tuple[str, str]] = Counter()
        for name in rule.checks:
            reached.update(result.reached.get(name, Counter()))
        counts = [len({v for (f, v) in reached if f == facet}) for facet in FACETS]
        rows.append(
            {
                "id": rule.id,
                "short": rule.id.removeprefix(f"{result.api}."),  # the page names its API once, at the top
                "words": _markdown(rule.words),
                "checks": [(name, fired.get(name, 0)) for name in rule.checks],
                "never": not any(fired.get(name, 0) for name in rule.checks),
                "counts": counts,
            }
        )
    tops = [max((row["counts"][i] for row in rows), default=0) for i in range(len(FACETS))]
    for row in rows:  # levels relative to the most values any rule reached on the same facet
        row["heat"] = [(n, -(-n * _LEVELS // top) if top else 0) for n, top in zip(row["counts"], tops, strict=True)]
    return rows


def _reached(result: RunResult) -> dict[str, list[tuple[str, int]]]:
    total: Counter[tuple[str, str]] = Counter()
    for counts in result.reached.values():
        total.update(counts)
    by_facet = {
        facet: sorted(((v, n) for (f, v), n in total.items() if f == facet), key=lambda vn: (-vn[1], vn[0]))
        for facet in FACETS
    }
    return {facet: values for facet, values in by_facet.items() if values}


def _timings(result: RunResult) -> list[dict[str, Any]]:
    series: dict[int, list[float]] = {}
    for status, seconds in result.timings:
        series.setdefault(status, []).append(seconds * 1000)
    rows = []
    for status, values in sorted(series.items()):
        ordered = sorted(values)
        rows.append(
            {
                "status": status,
                "count": len(ordered),
                "median": f"{statistics.median(ordered):.1f}",
                "p90": f"{ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]:.1f}",
                "max": f"{ordered[-1]:.1f}",
            }
        )
    return rows


def _timing_chart(result: RunResult) -> Markup:
    series: dict[str, list[float]] = {}
    for status, seconds in sorted(result.timings):
        series.setdefault(str(status), []).append(round(seconds * 1000, 2))
    return Markup(box("Response time per status (ms)", series, height=260)) if series else Markup("")


def render_semantic(result: RunResult) -> str:
    checks = _checks(result)
    middle = (len(checks) + 1) // 2
    return _TEMPLATES.get_template("semantic.html.j2").render(
        result=result,
        verdict=_verdict(result),
        check_halves=[checks[:middle], checks[middle:]] if checks else [],
        rules=_rules(result),
        facets=FACETS,
        reached=_reached(result),
        timings=_timings(result),
        timing_chart=_timing_chart(result),
        failure_groups=by_check(result.failures),
    )


def write_semantic(result: RunResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_semantic(result), encoding="utf-8")
