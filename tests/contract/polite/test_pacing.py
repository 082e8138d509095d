"""Pacing against a real deployment behind a rate-limiting gateway (tests/deployments/gateway.py) on loopback:
the run's session keeps to ``--rate-limit``, waits out and retries what the gateway refuses, and a target that
refuses everything ends the run with exit 2."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.contract.options import FuzzOptions
from mockserver.contract.runner import run
from mockserver.contract.schemathesis.pacing import Pacer, given_up, parse_rate_limit
from mockserver.contract.schemathesis.transport import BoundedSession, Limits
from tests.deployments.app import PATHS
from tests.deployments.config import Config
from tests.deployments.serve import serving_gated
from tests.deployments.tokens import mint

QUERY = {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z", "limit": "1"}


def _send(base: str, pacer: Pacer, count: int) -> list[Any]:
    session = BoundedSession(Limits(timeout=10), pacer)
    headers = {"Authorization": f"Bearer {mint()}"}
    try:
        return [session.get(base + PATHS["events"], params=QUERY, headers=headers) for _ in range(count)]
    finally:
        session.close()


def test_a_rate_limit_below_the_gateways_is_never_refused() -> None:
    with serving_gated(Config("events", rate_limit=5)) as (base, gate):
        answers = _send(base, Pacer("4/s"), 12)
    assert [a.status_code for a in answers] == [200] * 12
    assert (gate.passed, gate.refused) == (12, 0)


def test_without_a_rate_limit_throttled_requests_are_waited_out_and_retried() -> None:
    pacer = Pacer()
    with serving_gated(Config("events", rate_limit=5, retry_after="0.5")) as (base, gate):
        answers = _send(base, pacer, 12)
    assert [a.status_code for a in answers] == [200] * 12
    assert gate.refused > 0
    assert (pacer.stats.retried, pacer.stats.given_up) == (gate.refused, 0)


def test_a_throttled_answer_slows_the_whole_run_down() -> None:
    pacer = Pacer()
    with serving_gated(Config("events", rate_limit=5, retry_after="0.2")) as (base, _gate):
        _send(base, pacer, 8)
    assert pacer.spacing > 0


def test_a_request_still_throttled_after_its_retries_is_given_up() -> None:
    pacer = Pacer()
    with serving_gated(Config("events", rate_limit=0, retry_after="0.1")) as (base, gate):
        (answer,) = _send(base, pacer, 1)
    assert answer.status_code == 429
    assert given_up(answer)
    assert (gate.refused, pacer.stats.retried, pacer.stats.given_up) == (pacer.retries + 1, pacer.retries, 1)


def test_a_target_that_throttles_everything_ends_the_run_with_exit_2() -> None:
    with serving_gated(Config("events", rate_limit=0, retry_after="0.1")) as (base, _gate):
        result = run(FuzzOptions(api="events", target=base, token=mint(), max_examples=5, seed=1))
    assert result.exit_code == 2
    assert result.fatal is not None
    assert result.fatal.startswith("throttled:")


@pytest.mark.parametrize(("text", "parsed"), [("15/s", (15, 1000)), ("100/m", (100, 60_000)), ("2/h", (2, 3_600_000))])
def test_a_rate_limit_is_read_in_st_runs_syntax(text: str, parsed: tuple[int, int]) -> None:
    assert parse_rate_limit(text) == parsed


@pytest.mark.parametrize("text", ["15", "15/x", "s/15", "0/s", "-1/s", ""])
def test_anything_else_is_not_a_rate_limit(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a rate|at least 1"):
        parse_rate_limit(text)
