"""st run's options, in st run's words, against a real deployment on loopback."""

from __future__ import annotations

from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import RunResult
from mockserver.contract.runner import run
from tests.deployments.config import Config
from tests.deployments.serve import serving_gated
from tests.deployments.tokens import mint


def _fuzz(base: str, **asked: object) -> RunResult:
    options = FuzzOptions(api="events", target=base, token=mint(), max_examples=5, seed=1, phases=(), **asked)  # type: ignore[arg-type]
    return run(options)


def test_an_answer_slower_than_max_response_time_is_a_violation_of_its_own() -> None:
    with serving_gated(Config("events", latency=(40, 60))) as (base, _gate):
        result = _fuzz(base, max_response_time=0.01)
    assert result.exit_code == 1
    assert {f.check for f in result.failures} == {"max_response_time"}


def test_checks_runs_only_the_checks_named() -> None:
    with serving_gated(Config("events")) as (base, _gate):
        result = _fuzz(base, checks=("not_a_server_error", "items_in_order"))
    assert {c.name for c in result.checks} == {"not_a_server_error", "items_in_order"}


def test_exclude_checks_leaves_out_the_checks_named() -> None:
    with serving_gated(Config("events")) as (base, _gate):
        result = _fuzz(base, exclude_checks=("items_in_order", "status_code_conformance"))
    names = {c.name for c in result.checks}
    assert "items_in_order" not in names
    assert "status_code_conformance" not in names
    assert "items_within_window" in names


def test_max_failures_stops_the_run_once_reached() -> None:
    with serving_gated(Config("events", latency=(40, 60))) as (base, _gate):
        result = _fuzz(base, max_response_time=0.01, max_failures=1)
    assert result.stopped == "the run stopped at --max-failures 1"
