"""A run's generation draws no local module's literal, and the process's own Hypothesis tests, before and after a
run, draw theirs as before: the pool Hypothesis's provider reads is empty inside the block and Hypothesis's own
outside it (``schemathesis/local_constants.py``)."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.internal.conjecture import providers

from mockserver.contract.schemathesis.local_constants import without_local_constants

LITERAL = 918_273_645  # in the local module below, nowhere else


@pytest.fixture
def local_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local module (neither installed nor a test file) holding LITERAL, imported as a user's hooks would be."""
    (tmp_path / "user_literal_hooks.py").write_text(f"LIMIT = {LITERAL}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(tmp_path)
    importlib.import_module("user_literal_hooks")
    yield
    del sys.modules["user_literal_hooks"]


def _pool() -> set[int]:
    """The integers Hypothesis's provider would draw from the local modules now."""
    return set(providers._get_local_constants().integers)


@pytest.mark.usefixtures("local_module")
def test_hypothesis_draws_a_local_modules_literal_outside_a_run() -> None:
    assert LITERAL in _pool()


@pytest.mark.usefixtures("local_module")
def test_inside_a_run_no_local_literal_is_drawn() -> None:
    with without_local_constants():
        assert _pool() == set()


@pytest.mark.usefixtures("local_module")
def test_after_a_run_the_local_literals_are_drawn_again() -> None:
    with without_local_constants():
        pass
    assert LITERAL in _pool()


@pytest.mark.usefixtures("local_module")
def test_the_pool_comes_back_when_the_last_of_two_concurrent_runs_ends() -> None:
    inner_done, outer_may_end = threading.Event(), threading.Event()
    seen: list[set[int]] = []

    def other_run() -> None:
        with without_local_constants():
            inner_done.set()
            outer_may_end.wait(10)
            seen.append(_pool())

    with without_local_constants():
        thread = threading.Thread(target=other_run)
        thread.start()
        inner_done.wait(10)
    seen.append(_pool())  # this run ended, the other one still generates
    outer_may_end.set()
    thread.join(10)
    assert (seen, LITERAL in _pool()) == ([set(), set()], True)


def test_the_constants_a_draw_may_take_are_not_carried_into_a_run_nor_out_of_it() -> None:
    """Hypothesis caches, per thread, the constants of both pools a draw may take: a run starts and ends without."""
    key: providers.CacheKeyT = ("integer", (None, None, None, 0))
    providers.CONSTANTS_CACHE[key] = ((), (LITERAL,))
    with without_local_constants():
        inside = key in providers.CONSTANTS_CACHE
        providers.CONSTANTS_CACHE[key] = ((), ())
    assert (inside, key in providers.CONSTANTS_CACHE) == (False, False)
