"""Shards' verdicts merged into one: violations are the union, a check is exercised if any shard exercised it,
request and firing counts are sums."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from mockserver.contract.results import CheckResult, RunResult, Verdict
from mockserver.contract.state import Coverage

__all__ = ["MergeError", "merge"]


class MergeError(ValueError):
    """Results that do not make one run: other APIs, a shard missing or given twice; the message is one line."""


def _shards(results: Sequence[RunResult]) -> None:
    counts = {r.shard[1] for r in results}
    if len(counts) != 1:
        raise MergeError(
            f"the results come from runs split differently ({', '.join(f'N={n}' for n in sorted(counts))})"
        )
    count = counts.pop()
    given = Counter(r.shard[0] for r in results)
    twice = sorted(i for i, n in given.items() if n > 1)
    if twice:
        raise MergeError(f"shard {twice[0]}/{count} is given more than once")
    missing = sorted(set(range(1, count + 1)) - set(given))
    if missing:
        raise MergeError(f"shard {missing[0]}/{count} is missing: give the results of all {count} shards")


def _checks(results: Sequence[RunResult]) -> list[CheckResult]:
    merged: dict[str, CheckResult] = {}
    for result in results:
        for check in result.checks:
            seen = merged.get(check.name)
            if seen is None:
                merged[check.name] = check
            else:
                merged[check.name] = replace(
                    seen,
                    runs=seen.runs + check.runs,
                    fired=seen.fired + check.fired,
                    failures=seen.failures + check.failures,
                    reason=seen.reason or check.reason,
                )
    return [replace(c, reason="") if c.verdict is not Verdict.NOT_EXERCISED else c for c in merged.values()]


def _coverage(results: Sequence[RunResult]) -> Coverage:
    total = Coverage()
    for result in results:
        cov = result.coverage
        total.responses += cov.responses
        total.non_empty += cov.non_empty
        total.pages.update(cov.pages)
        total.last_pages += cov.last_pages
        total.order_by.update(cov.order_by)
        total.filters.update(cov.filters)
    return total


def merge(results: Sequence[RunResult]) -> RunResult:
    """One verdict from every shard's (each shard once)."""
    if not results:
        raise MergeError("no results to merge")
    apis = sorted({r.api for r in results})
    if len(apis) > 1:
        raise MergeError(f"the results are of different APIs ({', '.join(apis)})")
    _shards(results)
    first = results[0]
    reached: dict[str, Counter[tuple[str, str]]] = {}
    for result in results:
        for name, counts in result.reached.items():
            reached.setdefault(name, Counter()).update(counts)
    fatal = [f"shard {r.shard[0]}/{r.shard[1]}: {r.fatal}" for r in results if r.fatal is not None]
    stopped = [f"shard {r.shard[0]}/{r.shard[1]}: {r.stopped}" for r in results if r.stopped is not None]
    return RunResult(
        api=first.api,
        target=", ".join(dict.fromkeys(r.target for r in results)),
        seed=first.seed,
        checks=_checks(results),
        failures=list(dict.fromkeys(f for r in results for f in r.failures)),  # the union, in the shards' order
        errors=list(dict.fromkeys(e for r in results for e in r.errors)),
        coverage=_coverage(results),
        requests=sum(r.requests for r in results),
        sent=sum(r.sent for r in results),
        survey_records=max(r.survey_records for r in results),  # every shard surveys the same data
        elapsed=max(r.elapsed for r in results),  # shards run side by side
        fatal="; ".join(fatal) or None,
        interrupted=any(r.interrupted for r in results),
        stopped="; ".join(stopped) or None,
        timings=[t for r in results for t in r.timings],
        reached=reached,
    )
