"""Full scale (make test-polite, POLITE_FULL=1): seconds of Retry-After and 30-120 ms answers, at the default
example budget, against deployments on loopback. Verdicts only: no assertion on speed (the duration is printed)."""

from __future__ import annotations

import os
import time

import pytest

from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import RunResult
from mockserver.contract.runner import run
from tests.deployments.config import Config
from tests.deployments.serve import serving_gated
from tests.deployments.tokens import mint

pytestmark = pytest.mark.skipif(os.environ.get("POLITE_FULL") != "1", reason="make test-polite (POLITE_FULL=1)")


def _fuzz(base: str, **asked: object) -> RunResult:
    options = FuzzOptions(
        api="events",
        target=base,
        token=mint(),
        unscoped_token=mint(("openid",)),
        expired_token=mint(expires_in=-60),
        seed=1,
        **asked,  # type: ignore[arg-type]
    )
    started = time.monotonic()
    result = run(options)
    print(f"{asked}: exit {result.exit_code}, {result.sent} sent, {time.monotonic() - started:.1f} s")
    return result


def _verdicts(result: RunResult) -> list[tuple[str, str]]:
    return sorted((c.name, c.verdict.value) for c in result.checks)


def test_a_rate_limit_below_the_deployments_is_never_throttled() -> None:
    with serving_gated(Config("events", rate_limit=20, retry_after="2")) as (base, gate):
        result = _fuzz(base, rate_limit="15/s", workers=8)
    assert (gate.refused, result.exit_code, result.failures) == (0, 0, []), result.errors


def test_without_a_rate_limit_the_throttled_requests_are_retried_and_reported_apart() -> None:
    with serving_gated(Config("events", rate_limit=20, retry_after="2")) as (base, gate):
        result = _fuzz(base)
    assert (result.exit_code, result.failures, result.given_up) == (0, [], 0), result.errors
    assert result.retried == gate.refused > 0


def test_eight_workers_give_the_verdicts_of_one_against_slow_answers() -> None:
    with serving_gated(Config("events", latency=(30, 120))) as (base, _gate):
        eight = _fuzz(base, workers=8)
        one = _fuzz(base, workers=1)
    assert (eight.exit_code, eight.failures) == (0, []), eight.errors
    assert _verdicts(eight) == _verdicts(one)
