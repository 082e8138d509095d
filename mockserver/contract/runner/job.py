"""What one run's steps share: its options, result, session, progress, listener, tallies and baseline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from mockserver.contract.checks import RULES
from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import FailureReport, RunResult
from mockserver.contract.schemathesis.curl import Secrets
from mockserver.contract.schemathesis.loading import accepted
from mockserver.contract.schemathesis.pacing import throttled_line
from mockserver.contract.schemathesis.transport import BoundedSession
from mockserver.contract.schemathesis.types import Baseline, Event, Failure

__all__ = ["Job", "Listener", "Progress"]

Progress = Callable[[str], None]
Listener = Callable[[Event], None]  # gets every event of the run, as st run's handlers do


@dataclass
class Job:
    """What one run's steps share: its options, verdict tallies, secrets, baseline and listener."""

    options: FuzzOptions
    result: RunResult
    session: BoundedSession | None
    say: Progress
    emit: Listener
    headers: dict[str, str] = field(default_factory=dict)
    secrets: Secrets = field(default_factory=Secrets)
    baseline: Baseline | None = None
    runs: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)

    def known(self, failure: Failure, name: str) -> bool:
        """A failure the ``--baseline`` file accepts: reported by Schemathesis's writers, not a violation."""
        return accepted(self.baseline, failure, name)

    def fail(self, name: str, failure: Failure, curl: str) -> None:
        """One failure of check ``name``, titled by the rule its check verifies, reported once however often it
        was met."""
        title = RULES.get(name, failure.title) if failure.title == name else failure.title  # the rule, said once
        report = FailureReport(check=name, title=title, message=failure.message, curl=curl)
        if report not in self.result.failures:
            self.result.failures.append(report)

    def throttled_out(self) -> bool:
        """Whether the run cannot go on (exit 2): the target has throttled every request for a while, retries
        included, or refuses the run's token, accepted earlier, and it cannot be renewed."""
        session = self.session
        if session is not None and session.tokens is not None and session.tokens.lost is not None:
            self.result.fatal = self.result.fatal or session.tokens.refused()
            self.result.stopped = self.result.stopped or "the run stopped: its credentials are refused"
            return True
        if session is None or not session.pacer.persistent:
            return False
        if self.result.fatal is None:
            self.result.fatal = throttled_line(self.options.target, 429)
            self.result.stopped = "the run stopped: the target throttled every request"
        return True
