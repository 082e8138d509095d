"""What a contract run found: per-check verdicts, failures with their reproductions, coverage, exit code."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from mockserver.contract.state import Coverage

__all__ = [
    "EXIT_CLEAN",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_EXERCISED",
    "EXIT_UNUSABLE",
    "EXIT_VIOLATIONS",
    "CheckResult",
    "FailureReport",
    "RunResult",
    "Verdict",
]


EXIT_CLEAN = 0  # no violation, and every applicable check had something to verify
EXIT_VIOLATIONS = 1  # violations, or network errors after the target first answered
EXIT_UNUSABLE = 2  # usage error, bad spec, unusable target
EXIT_NOT_EXERCISED = 3  # no violation, but some checks never had anything to verify
EXIT_INTERRUPTED = 130


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_EXERCISED = "not exercised"


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
    reason: str = ""  # why it had nothing to verify, when it had not

    @property
    def verdict(self) -> Verdict:
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
    survey_records: int = 0
    timings: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds) of every judged answer
    reached: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)  # check -> (facet, value) counts
    elapsed: float = 0.0
    fatal: str | None = None  # why the run could not start (exit 2)
    interrupted: bool = False  # stopped by Ctrl-C (exit 130): the verdicts cover only what ran
    stopped: str | None = None  # why the run ended early on its own (a network error), if it did

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
