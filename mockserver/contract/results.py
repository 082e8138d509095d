"""What a contract run found: per-check verdicts, failures with their reproductions, coverage, exit code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

__all__ = [
    "EXIT_CLEAN",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_EXERCISED",
    "EXIT_UNUSABLE",
    "EXIT_VIOLATIONS",
    "CheckResult",
    "Coverage",
    "FailureReport",
    "MergeError",
    "RunResult",
    "Verdict",
    "merge",
]


EXIT_CLEAN = 0  # no violation, and every applicable check had something to verify
EXIT_VIOLATIONS = 1  # violations, or network errors after the target first answered
EXIT_UNUSABLE = 2  # usage error, bad spec, unusable target
EXIT_NOT_EXERCISED = 3  # no violation, but some checks never had anything to verify
EXIT_INTERRUPTED = 130


@dataclass
class Coverage:
    """How much of the target's behaviour the run reached."""

    responses: int = 0  # 200s to positive requests
    non_empty: int = 0
    pages: Counter[int] = field(default_factory=Counter)  # served page numbers of non-empty pages
    last_pages: int = 0  # non-empty pages followed by an empty one
    order_by: Counter[str] = field(default_factory=Counter)  # non-empty responses per ordered field
    filters: Counter[str] = field(default_factory=Counter)  # non-empty responses per filter parameter used

    @property
    def non_empty_share(self) -> float:
        return self.non_empty / self.responses if self.responses else 0.0


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_EXERCISED = "not exercised"
    NOT_APPLICABLE = "not applicable"  # a rule of the mock's own, and the target is a deployment


@dataclass(frozen=True)
class FailureReport:
    check: str
    title: str
    message: str
    curl: str


@dataclass(frozen=True)
class CheckResult:
    name: str
    semantic: bool
    runs: int  # responses the check looked at
    fired: int  # of those, responses that gave it something to verify (semantic checks)
    failures: int
    reason: str = ""  # why it had nothing to verify, when it had not; why it does not apply, when it does not
    applicable: bool = True  # False: every rule it verifies is the mock's own, and the target is a deployment

    @property
    def verdict(self) -> Verdict:
        if not self.applicable:
            return Verdict.NOT_APPLICABLE
        if self.failures:
            return Verdict.FAILED
        if self.semantic and not self.fired:
            return Verdict.NOT_EXERCISED
        return Verdict.PASSED


@dataclass
class RunResult:
    api: str
    target: str
    seed: int
    shard: tuple[int, int] = (1, 1)  # (I, N); a merged verdict is (1, 1) of the shards' seeds
    checks: list[CheckResult] = field(default_factory=list)
    failures: list[FailureReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # network errors and the like, after the first answer
    coverage: Coverage = field(default_factory=Coverage)
    requests: int = 0  # Schemathesis's cases (as finished scenarios report them)
    sent: int = 0  # every request sent over the network: credentials check, survey, probes, cases, follow-ups
    retried: int = 0  # throttled answers (429, or 503 with Retry-After) waited out, their request sent again
    given_up: int = 0  # requests still throttled after their retries: nothing was judged from them
    survey_records: int = 0
    timings: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds) of every judged answer
    reached: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)  # check -> (facet, value) counts
    elapsed: float = 0.0
    fatal: str | None = None  # why the run could not start (exit 2)
    interrupted: bool = False  # stopped by Ctrl-C (exit 130): the verdicts cover only what ran
    stopped: str | None = None  # why the run ended early on its own (a network error), if it did
    target_kind: str = "mock"  # "mock": held to the API's rules and the mock's; "deployment": the API's alone
    kind_reason: str = ""  # how the tester knows (the mock said so, --target-kind, ...)
    learned: list[str] = field(default_factory=list)  # what the run learned of a deployment (its page cap, ...)
    data_changes: list[str] = field(default_factory=list)  # disagreements a fresh view explained: data that moved

    @property
    def cut_short(self) -> str | None:
        """Why the run ended before its budget, if it did: Ctrl-C or a network error."""
        if self.interrupted:
            sent = max(self.sent, self.requests)
            return f"the run was interrupted (Ctrl-C) after {sent} request{'' if sent == 1 else 's'}"
        return self.stopped

    @property
    def passed(self) -> int:
        return sum(c.verdict is Verdict.PASSED for c in self.checks)

    @property
    def failed(self) -> int:
        return sum(c.verdict is Verdict.FAILED for c in self.checks) + bool(self.errors)

    @property
    def not_applicable(self) -> list[CheckResult]:
        return [c for c in self.checks if c.verdict is Verdict.NOT_APPLICABLE]

    @property
    def not_exercised(self) -> list[CheckResult]:
        return [c for c in self.checks if c.verdict is Verdict.NOT_EXERCISED]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        if self.fatal is not None:
            return EXIT_UNUSABLE
        if self.failed:
            return EXIT_VIOLATIONS
        return EXIT_NOT_EXERCISED if self.not_exercised else EXIT_CLEAN


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
    kept = (Verdict.NOT_EXERCISED, Verdict.NOT_APPLICABLE)  # the verdicts whose reason is worth saying
    return [replace(c, reason="") if c.verdict not in kept else c for c in merged.values()]


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
        retried=sum(r.retried for r in results),
        given_up=sum(r.given_up for r in results),
        survey_records=max(r.survey_records for r in results),  # every shard surveys the same data
        elapsed=max(r.elapsed for r in results),  # shards run side by side
        fatal="; ".join(fatal) or None,
        interrupted=any(r.interrupted for r in results),
        stopped="; ".join(stopped) or None,
        target_kind=first.target_kind,
        kind_reason=first.kind_reason,
        learned=list(dict.fromkeys(line for r in results for line in r.learned)),
        data_changes=list(dict.fromkeys(line for r in results for line in r.data_changes)),
        timings=[t for r in results for t in r.timings],
        reached=reached,
    )
