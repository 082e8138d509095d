"""The contract tester against independent, production-like deployments (tests/deployments/) served by uvicorn on
loopback: every correct deployment must pass clean, and each broken one must be caught by its rule's check."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import jwt
import pytest

from mockserver.contract.options import DEFAULT_MAX_EXAMPLES, PHASES, FuzzOptions
from mockserver.contract.results import RunResult
from mockserver.contract.runner import run
from tests.deployments.app import PATHS
from tests.deployments.config import Api, Config
from tests.deployments.serve import serving
from tests.deployments.tokens import mint

FULL = os.environ.get("CONTRACT_FULL") == "1"  # make test-contract: every run at the default settings too
MAX_EXAMPLES = 30
SESSION_TOKEN = "session-of-the-deployment-tests"
APIS: tuple[Api, ...] = ("events", "interventions")


@dataclass(frozen=True)
class Served:
    config: Config
    base: str  # where the spec's paths are appended


@pytest.fixture
def deployment(request: pytest.FixtureRequest) -> Iterator[Served]:
    """The parametrized deployment, served on a free 127.0.0.1 port for the test's length."""
    config: Config = request.param
    with serving(config) as base:
        yield Served(config, base)


def _fuzz(served: Served, phases: tuple[str, ...] = PHASES, max_examples: int = MAX_EXAMPLES) -> RunResult:
    return run(
        FuzzOptions(
            api=served.config.api,
            target=served.base,
            token=mint(),
            unscoped_token=mint(("openid",)),
            expired_token=mint(expires_in=-60),
            session_token=SESSION_TOKEN,
            max_examples=max_examples,
            seed=1,
            phases=phases,
        )
    )


def _summary(result: RunResult) -> str:
    """Each failed check once, with its first message: what a failing assertion shows."""
    first: dict[str, str] = {}
    for failure in result.failures:
        first.setdefault(failure.check, failure.message.replace("\n", " / ")[:300])
    lines = [f"exit {result.exit_code}, fatal: {result.fatal}, errors: {result.errors[:3]}"]
    return "\n".join([*lines, *(f"{check}: {message}" for check, message in first.items())])


CORRECT = {  # each correct deployment by name, for events (the same knobs serve interventions)
    "signed": Config("events"),
    "live": Config("events", live=True),
    "alternative": Config("events", alternative=True),
    "alternative+live": Config("events", alternative=True, live=True),
    "signed+live": Config("events", live=True),
}


# make test: two that between them have every trait (signed tokens, live data, the other choices); CI: all of them.
QUICK = ("signed+live", "alternative+live")


@pytest.mark.parametrize(
    "deployment",
    [
        pytest.param(replace(c, api=api), id=f"{api}-{name}")
        for name, c in CORRECT.items()
        for api in APIS
        if FULL or name in QUICK
    ],
    indirect=True,
)
def test_a_correct_deployment_passes(deployment: Served) -> None:
    result = _fuzz(deployment)
    assert (result.exit_code, result.failures) == (0, []), _summary(result)


@pytest.mark.skipif(not FULL, reason="make test-contract (CONTRACT_FULL=1): the default example budget")
@pytest.mark.parametrize(
    "deployment",
    [pytest.param(replace(c, api=api), id=f"{api}-{name}") for name, c in CORRECT.items() for api in APIS],
    indirect=True,
)
def test_a_correct_deployment_passes_at_the_default_budget(deployment: Served) -> None:
    result = _fuzz(deployment, max_examples=DEFAULT_MAX_EXAMPLES)
    assert (result.exit_code, result.failures) == (0, []), _summary(result)


# (api, the broken rule, the check that must catch it): signed deployments, each breaking one rule of the API's.
BROKEN: list[tuple[Api, str, str]] = [
    ("events", "window-upper-inclusive", "items_within_window"),
    ("events", "order-descending-ties", "items_in_order"),
    ("interventions", "order-descending-ties", "items_in_order"),
    ("events", "count-off-by-one", "count_consistent"),
    ("interventions", "count-off-by-one", "count_consistent"),
    ("events", "category-prefix", "category_honoured"),
    ("events", "scope-ignored", "scope_enforced"),
    ("events", "expired-accepted", "credentials_refused"),
    ("interventions", "expired-accepted", "credentials_refused"),
    ("events", "bad-signature-accepted", "credentials_refused"),
    ("interventions", "bad-signature-accepted", "credentials_refused"),
    ("events", "next-page-overlap", "next_page_disjoint"),
    ("interventions", "next-page-overlap", "next_page_disjoint"),
    ("events", "cap-not-applied-consistently", "page_size_respected"),
    ("interventions", "cap-not-applied-consistently", "page_size_respected"),
    ("interventions", "interventions-overlap-exclusive", "matching_items_listed"),
]


# The same breakages on a deployment whose data changes during the run: a fresh view must not excuse them.
LIVE_BROKEN: list[tuple[Api, str, str]] = [
    ("events", "count-off-by-one", "count_consistent"),
    ("interventions", "count-off-by-one", "count_consistent"),
    ("events", "category-prefix", "category_honoured"),
    ("events", "next-page-overlap", "next_page_disjoint"),
    ("interventions", "interventions-overlap-exclusive", "matching_items_listed"),
    ("events", "window-upper-inclusive", "items_within_window"),
]


def _broken(api: Api, broken: str, check: str, *, live: bool = False) -> Any:
    name = f"{api}-{'live-' if live else ''}{broken}"
    return pytest.param(Config(api, broken=broken, live=live), check, id=name)


@pytest.mark.parametrize(
    ("deployment", "check"),
    [_broken(*case) for case in BROKEN] + [_broken(*case, live=True) for case in LIVE_BROKEN],
    indirect=["deployment"],
)
def test_a_broken_deployment_is_caught_by_its_check(deployment: Served, check: str) -> None:
    result = _fuzz(deployment, PHASES if FULL else ())  # make test: the edge requests alone must catch it
    assert result.exit_code == 1, _summary(result)
    assert check in {f.check for f in result.failures}, _summary(result)


def _get(served: Served, token: str | None) -> httpx.Response:
    """One plain request of the whole window (a token, else none), with the headers the API requires."""
    if served.config.api == "events":
        query = {"from": "0000-01-01T00:00:00Z", "to": "9999-12-31T23:59:59Z", "limit": "100"}
        headers = {}
    else:
        query = {"scheduledStart": "0000-01-01T00:00:00Z", "scheduledEnd": "9999-12-31T23:59:59Z"}
        query |= {"pageSize": "200", "includeSites": "false", "includeCount": "true"}
        headers = {"x-session-token": SESSION_TOKEN, "content-type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    root = served.base.removesuffix("/main")
    return httpx.get(root + PATHS[served.config.api], params=query, headers=headers, timeout=5)


SIGNED = [pytest.param(Config(api), id=api) for api in APIS]


@pytest.mark.parametrize("deployment", SIGNED, indirect=True)
def test_a_signed_token_is_accepted(deployment: Served) -> None:
    response = _get(deployment, mint())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("deployment", SIGNED, indirect=True)
@pytest.mark.parametrize(
    "token",
    [
        pytest.param(jwt.encode({"scope": "calendar.event.read"}, key="", algorithm="none"), id="unsigned"),
        pytest.param(mint(secret="another-secret-of-at-least-32-bytes!"), id="other-key"),
        pytest.param(mint(expires_in=-60), id="expired"),
        pytest.param("not-a-jwt", id="garbage"),
    ],
)
def test_a_token_not_signed_by_the_deployment_is_refused(deployment: Served, token: str) -> None:
    response = _get(deployment, token)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    assert set(response.json()) == {"type", "title", "status", "detail"}


@pytest.mark.parametrize("deployment", [pytest.param(Config(api), id=api) for api in APIS], indirect=True)
def test_no_deployment_identifies_as_the_mock(deployment: Served) -> None:
    root = deployment.base.removesuffix("/main")
    assert httpx.get(f"{root}/.well-known/mockserver", timeout=5).status_code == 404


@pytest.mark.parametrize("deployment", [pytest.param(Config(api, live=True), id=api) for api in APIS], indirect=True)
def test_a_live_deployment_changes_its_data(deployment: Served) -> None:
    before = _get(deployment, mint()).json()
    time.sleep(1)
    after = _get(deployment, mint()).json()
    assert before != after
