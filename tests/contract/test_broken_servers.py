"""Each semantic check catches a server that breaks exactly its rule, at an edge; the mock passes clean."""

from __future__ import annotations

import functools

import pytest

from mockserver.app import create_app
from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import RunResult, Verdict
from mockserver.contract.runner import run
from mockserver.settings import Settings
from mockserver.specs import ApiId
from tests.contract.breakages import EVENTS, INTERVENTIONS
from tests.contract.broken import broken

MAX_EXAMPLES = 60
PATHS = {"events": "/events", "interventions": "/main/calendar/v2/rs/events"}
BASES = {"events": "http://testserver", "interventions": "http://testserver/main"}
PHASES = ("examples", "fuzzing")


@functools.cache
def _mock() -> object:
    return create_app(Settings(count=300))


def _run(api: ApiId, app: object) -> RunResult:
    return run(FuzzOptions(api=api, target=BASES[api], app=app, max_examples=MAX_EXAMPLES, seed=1, phases=PHASES))


def _failed(result: RunResult) -> set[str]:
    return {c.name for c in result.checks if c.verdict in (Verdict.FAILED, Verdict.NEVER_FIRED)}


@pytest.mark.parametrize("api", ["events", "interventions"])
def test_the_mock_passes_clean(api: ApiId) -> None:
    result = _run(api, _mock())
    assert (result.exit_code, _failed(result), result.errors) == (0, set(), [])


CASES = [("events", name) for name in EVENTS] + [("interventions", name) for name in INTERVENTIONS]


@pytest.mark.parametrize(("api", "name"), CASES, ids=[f"{a}-{n}" for a, n in CASES])
def test_a_broken_rule_is_caught_by_its_check(api: ApiId, name: str) -> None:
    how = (EVENTS if api == "events" else INTERVENTIONS)[name]
    result = _run(api, broken(_mock(), how, PATHS[api]))  # type: ignore[arg-type]
    check = name.split("|", 1)[0]
    assert (result.exit_code, result.errors) == (1, [])
    assert check in {f.check for f in result.failures}, (_failed(result), result.failures[:3])
