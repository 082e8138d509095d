"""The semantic report (``semantic.html``): what a run tested, in one self-contained page with pictures.

The verdict; each check's responses, firings and failures (a check that never fired stands out); the semantic
ground covered, rule by rule of the register (the facets its checks' requests reached: window kinds and offsets,
page positions, sizes, ``orderBy`` values, categories, token kinds, the edges sent on purpose); response times
per status; each failure with what was expected and received and the curl that reproduces it. Charts are
pygal's inline SVG (``charts.py``): the page makes no request when opened.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

from mockserver.contract.reports.charts import bar, box, dots
from mockserver.contract.reports.rules import Rule, rules_of
from mockserver.contract.results import EXIT_CLEAN, EXIT_NOT_EXERCISED, EXIT_VIOLATIONS, RunResult, Verdict
from mockserver.contract.target.facets import FACETS

__all__ = ["write_semantic"]

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { font-size: 1.2rem; font-weight: 600; padding: .6rem 1rem; border-radius: 6px; }
.passed { color: #1e6b3a; } .failed { color: #a52a1e; } .never { color: #8a6100; }
p.verdict.passed { background: #e7f5ec; } p.verdict.failed { background: #fbe9e7; }
p.verdict.never { background: #fff4d6; }
tr.never td { background: #fff4d6; } tr.failed td { background: #fbe9e7; }
.mark { font-weight: 600; }
.chip { display: inline-block; margin: 1px 3px 1px 0; padding: 0 .4rem; border-radius: 9px; background: #eef3fa;
  font-size: .85rem; white-space: nowrap; }
.chip b { font-weight: 600; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
figure { margin: 1rem 0; } figure svg { width: 100%; height: auto; }
.facets { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: .5rem; }
"""

_EXIT = {
    EXIT_CLEAN: ("passed", "no violation, every check exercised"),
    EXIT_VIOLATIONS: ("failed", "violations"),
    EXIT_NOT_EXERCISED: ("never", "no violation, but some checks never had anything to verify"),
}


def _verdict(result: RunResult) -> str:
    css, meaning = _EXIT.get(result.exit_code, ("failed", "the run could not be completed"))
    tally = f"{result.passed} passed, {result.failed} failed"
    interrupted = ", interrupted" if result.interrupted else ""
    shard = f" (shard {result.shard[0]}/{result.shard[1]})" if result.shard[1] > 1 else ""
    facts = (
        f"seed {result.seed}{shard} · {result.requests} requests judged · {result.sent} sent in all · "
        f"{result.survey_records} records surveyed · {result.elapsed:.1f} s"
    )
    lines = [
        f'<p class="verdict {css}">{escape(tally + interrupted)}: exit {result.exit_code}, {escape(meaning)}</p>',
        f"<p>{escape(facts)}</p>",
    ]
    if result.fatal is not None:
        lines.append(f'<p class="failed">The run could not start: {escape(result.fatal)}</p>')
    if result.cut_short:
        lines.append(f'<p class="never">{escape(result.cut_short)}: the verdicts cover only what ran.</p>')
    return "\n".join(lines)


def _checks(result: RunResult) -> str:
    rows = []
    for check in result.checks:
        verdict = check.verdict
        css = {
            Verdict.PASSED: "passed",
            Verdict.FAILED: "failed",
            Verdict.NOT_EXERCISED: "never",
            Verdict.NOT_APPLICABLE: "never",
        }[verdict]
        label = "never fired" if verdict is Verdict.NOT_EXERCISED else verdict.value
        fired = str(check.fired) if check.semantic else ""
        rows.append(
            f'<tr class="{css}" data-check="{escape(check.name)}"><td><code>{escape(check.name)}</code></td>'
            f"<td>{'semantic' if check.semantic else 'schemathesis'}</td><td class=n>{check.runs}</td>"
            f"<td class=n>{fired}</td><td class=n>{check.failures}</td>"
            f'<td><span class="mark {css}">{escape(label)}</span>'
            f"{'<br>' + escape(check.reason) if check.reason else ''}</td></tr>"
        )
    head = "<tr><th>check</th><th>kind</th><th>responses</th><th>fired</th><th>failures</th><th>verdict</th></tr>"
    semantic = {c.name: c.fired for c in result.checks if c.semantic}
    chart = bar(
        "Firings per semantic check (0: never had anything to verify)", semantic, height=120 + 24 * len(semantic)
    )
    return f"<table class=checks>{head}{''.join(rows)}</table>\n<figure>{chart}</figure>"


def _rule_reach(result: RunResult, rule: Rule) -> Counter[tuple[str, str]]:
    reached: Counter[tuple[str, str]] = Counter()
    for name in rule.checks:
        reached.update(result.reached.get(name, Counter()))
    return reached


def _chips(reached: Counter[tuple[str, str]]) -> str:
    """Per facet, how many distinct values were reached; the values themselves (with their firings) folded."""
    summary, chips = [], []
    for facet in FACETS:
        values = sorted(((v, n) for (f, v), n in reached.items() if f == facet), key=lambda vn: (-vn[1], vn[0]))
        if values:
            summary.append(f'<span class="chip">{escape(facet)} <b>{len(values)}</b></span>')
        chips += [f'<span class="chip">{escape(facet)}: <b>{escape(v)}</b> ×{n}</span>' for v, n in values]
    if not summary:
        return ""
    return f"{''.join(summary)}<details><summary>values reached</summary>{''.join(chips)}</details>"


def _ground(result: RunResult) -> str:
    rules = rules_of(result.api)
    fired = {c.name: c.fired if c.semantic else c.runs for c in result.checks}  # a built-in judges every answer
    if not rules:
        return "<p>No rules of the register are shipped for this API: see the checks above.</p>"
    matrix = {}
    rows = []
    for rule in rules:
        reached = _rule_reach(result, rule)
        matrix[rule.id] = [len({v for (f, v) in reached if f == facet}) for facet in FACETS]
        never = not any(fired.get(name, 0) for name in rule.checks)
        mark = '<span class="mark never">never fired</span> ' if never else ""
        checks = ", ".join(f"<code>{escape(n)}</code> ({fired.get(n, 0)})" for n in rule.checks)
        rows.append(
            f'<tr class="{"never" if never else ""}"><td><code>{escape(rule.id)}</code></td>'
            f"<td>{escape(rule.words)}</td><td>{checks}</td><td>{mark}{_chips(reached)}</td></tr>"
        )
    chart = dots(
        "Distinct values reached per rule and facet (no dot: none)", FACETS, matrix, height=160 + 26 * len(matrix)
    )
    head = "<tr><th>rule</th><th>the spec says</th><th>checks (firings)</th><th>what its requests reached</th></tr>"
    return f"<figure>{chart}</figure>\n<table class=rules>{head}{''.join(rows)}</table>"


def _facets(result: RunResult) -> str:
    total: Counter[tuple[str, str]] = Counter()
    for counts in result.reached.values():
        total.update(counts)
    charts = []
    for facet in FACETS:
        if facet == "edge":
            continue  # one bar per edge would not fit: the rules' table lists them
        values = dict(sorted(((v, n) for (f, v), n in total.items() if f == facet), key=lambda vn: -vn[1])[:12])
        if values:
            chart = bar(f"{facet} (firings)", values, height=110 + 34 * len(values), width=520)
            charts.append(f"<figure>{chart}</figure>")
    return f"<div class=facets>{''.join(charts)}</div>" if charts else "<p>No check fired.</p>"


def _timings(result: RunResult) -> str:
    series: dict[str, list[float]] = {}
    for status, seconds in sorted(result.timings):
        series.setdefault(str(status), []).append(round(seconds * 1000, 2))
    if not series:
        return "<p>No answer was timed.</p>"
    return f"<figure>{box('Response time per status (ms)', series)}</figure>"


def _failures(result: RunResult) -> str:
    if not result.failures:
        return "<p>None.</p>"
    parts = []
    for n, failure in enumerate(result.failures, 1):
        parts.append(
            f'<section class="failure"><h3>{n}. <code>{escape(failure.check)}</code>: {escape(failure.title)}</h3>'
            f"<pre>{escape(failure.message)}</pre><p>Reproduce with:</p><pre>{escape(failure.curl)}</pre></section>"
        )
    return "\n".join(parts)


def write_semantic(result: RunResult, path: Path) -> None:
    errors = "".join(f"<li>{escape(e)}</li>" for e in result.errors)
    body = [
        f"<h1>What was tested: <code>{escape(result.api)}</code> at <code>{escape(result.target)}</code></h1>",
        _verdict(result),
        "<h2>Checks</h2>",
        _checks(result),
        "<h2>Ground covered, rule by rule</h2>",
        _ground(result),
        "<h2>Ground covered, all checks</h2>",
        _facets(result),
        "<h2>Response times</h2>",
        _timings(result),
        "<h2>Failures</h2>",
        _failures(result),
        *(["<h2>Errors</h2>", f"<ul>{errors}</ul>"] if errors else []),
    ]
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Contract test: {escape(result.api)}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
