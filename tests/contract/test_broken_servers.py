"""Each semantic check catches a server that breaks exactly its rule, at an edge; the mock passes clean.

The whole catalogue runs under ``make test-contract`` (``CONTRACT_FULL=1``), twice: with the edge requests alone (no
Schemathesis phase), which must suffice since they reach every rule's edges whatever the budget, and with the tester's
default settings for seeds 1, 2 and 3. ``make test`` runs one breakage per check with the edge requests alone. The
mock's clean pass runs every phase in both modes.
"""

from __future__ import annotations

import functools

import pytest

from mockserver.contract.options import PHASES, FuzzOptions
from mockserver.contract.results import RunResult, Verdict
from mockserver.contract.runner import run
from mockserver.core.openapi import ApiId
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.contract.breakages import CATALOGUE
from tests.contract.broken import broken
from tests.support.data import EVENTS, INTERVENTIONS
from tests.support.detection import BROKEN_PHASES, CATALOGUE_RUN, EDGES, FULL, MAX_EXAMPLES, SEEDS

PATHS = {"events": EVENTS, "interventions": INTERVENTIONS}
BASES = {"events": "http://testserver", "interventions": "http://testserver/main"}


@functools.cache
def _mock() -> object:
    return create_app(Settings(count=300))


def _run(api: ApiId, app: object, seed: int, phases: tuple[str, ...] = PHASES) -> RunResult:
    return run(FuzzOptions(api=api, target=BASES[api], app=app, max_examples=MAX_EXAMPLES, seed=seed, phases=phases))


def _failed(result: RunResult) -> set[str]:
    return {c.name for c in result.checks if c.verdict is not Verdict.PASSED}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("api", ["events", "interventions"])
def test_the_mock_passes_clean(api: ApiId, seed: int) -> None:
    result = _run(api, _mock(), seed)
    assert (result.exit_code, _failed(result), result.errors) == (0, set(), [])


def _first_per_check() -> list[str]:
    """One breakage per check (the catalogue's first): what ``make test`` runs; the whole catalogue runs in CI."""
    first: dict[str, str] = {}
    for name, entry in CATALOGUE.items():
        first.setdefault(entry.check, name)
    return list(first.values())


# make test-contract: every breakage with the edge requests alone (seed 1), and at the default budget (seeds 1-3).
CASES = (
    [(name, 1, ()) for name in CATALOGUE] + [(name, seed, BROKEN_PHASES) for name in CATALOGUE for seed in SEEDS]
    if FULL
    else [(name, 1, ()) for name in _first_per_check()]
)


@pytest.mark.parametrize(
    ("name", "seed", "phases"),
    CASES,
    ids=[f"{n}-seed{s}{'' if p else '-edges'}" for n, s, p in CASES],
)
def test_a_broken_rule_is_caught_by_its_check(
    name: str, seed: int, phases: tuple[str, ...], request: pytest.FixtureRequest
) -> None:
    entry = CATALOGUE[name]
    api: ApiId = "events" if entry.api == "events" else "interventions"
    result = _run(api, broken(_mock(), entry.how, PATHS[api]), seed, phases)  # type: ignore[arg-type]
    how = f"--max-examples {MAX_EXAMPLES}" if phases else EDGES
    request.node.user_properties.append((CATALOGUE_RUN, (seed, how, name)))  # counted by tests/contract/conftest.py
    assert result.exit_code == 1
    assert entry.check in {f.check for f in result.failures}, (_failed(result), result.failures[:3])
