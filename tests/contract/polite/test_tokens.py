"""Tokens that last a long run, against a real deployment on loopback that verifies signed tokens and their exp:
a token that expires mid-run ends it with exit 2 and a line saying so; with --token-command the run renews it
and ends clean."""

from __future__ import annotations

import shlex
import sys

from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import RunResult
from mockserver.contract.runner import run
from tests.deployments.config import Config
from tests.deployments.serve import serving
from tests.deployments.tokens import mint

LIFETIME = 2  # seconds a token from the command lasts
PLAIN_LIFETIME = 5  # seconds a plain --token lasts: accepted by the credentials check, refused later in the run
MINT = (
    f"{shlex.quote(sys.executable)} -c 'from tests.deployments.tokens import mint; print(mint(expires_in={LIFETIME}))'"
)


def _fuzz(base: str, **asked: object) -> RunResult:
    unscoped = mint(("openid",))
    return run(FuzzOptions(api="events", target=base, unscoped_token=unscoped, seed=1, **asked))  # type: ignore[arg-type]


def test_a_token_that_expires_mid_run_ends_it_with_exit_2() -> None:
    with serving(Config("events")) as base:
        result = _fuzz(base, token=mint(expires_in=PLAIN_LIFETIME), max_time=30)  # outlives the token, whatever speed
    assert result.exit_code == 2
    assert result.fatal is not None
    assert result.fatal.startswith("credentials expired: the run's token, accepted earlier in the run, is now refused")


def test_with_a_token_command_the_run_renews_its_token_and_ends_clean() -> None:
    with serving(Config("events")) as base:
        result = _fuzz(base, token_command=MINT, max_examples=20)
    assert (result.exit_code, result.fatal, result.failures) == (0, None, [])
    assert result.elapsed > LIFETIME  # the run outlived its first token


def test_a_token_command_that_fails_is_exit_2_before_anything_is_sent() -> None:
    with serving(Config("events")) as base:
        result = _fuzz(base, token_command="exit 3")
    assert result.exit_code == 2
    assert result.fatal == "no token to start with: --token-command gave no token (exit status 3)"
    assert result.sent == 0
