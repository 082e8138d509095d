"""What a contract run found: per-check verdicts, failures with their reproductions, coverage, exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from mockserver.contract.state import Coverage

__all__ = ["CheckResult", "FailureReport", "RunResult", "Verdict"]


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NEVER_FIRED = "never fired"
    SKIPPED = "skipped"


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
    note: str = ""

    @property
    def verdict(self) -> Verdict:
        if self.failures:
            return Verdict.FAILED
        if self.note and not self.runs:
            return Verdict.SKIPPED
        if self.semantic and not self.fired:
            return Verdict.NEVER_FIRED
        return Verdict.PASSED


@dataclass
class RunResult:
    api: str
    target: str
    seed: int
    checks: list[CheckResult] = field(default_factory=list)
    failures: list[FailureReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # network errors and the like, after the first answer
    coverage: Coverage = field(default_factory=Coverage)
    requests: int = 0  # Schemathesis's cases (as finished scenarios report them)
    sent: int = 0  # every request sent over the network: credentials check, survey, probes, cases, follow-ups
    survey_records: int = 0
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
        return sum(c.verdict in (Verdict.PASSED, Verdict.SKIPPED) for c in self.checks)

    @property
    def failed(self) -> int:
        return sum(c.verdict in (Verdict.FAILED, Verdict.NEVER_FIRED) for c in self.checks) + bool(self.errors)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.fatal is not None:
            return 2
        return 1 if self.failed else 0
