"""The same seed sends the same requests, whatever else the process imported: Hypothesis draws a share of its values
from the literals of the local modules imported (its "local constants"), and a run's generation must not.

The oracle is the server's: the mock on loopback behind a recorder that notes each request as it arrives (method,
path, query string, headers). What a run makes its own is left out: its tokens' times (a token's other claims are
kept), Schemathesis's case ids and the target's host.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from mockserver.contract.options import FuzzOptions
from mockserver.contract.runner import run
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.support.threaded import serving

RUN_SPECIFIC = {b"host", b"x-schemathesis-testcaseid"}
JWT = re.compile(r"eyJ[\w-]+\.(eyJ[\w-]+)\.[\w-]+")

Request = tuple[str, str, str, tuple[tuple[str, str], ...]]


def _claims(token: re.Match[str]) -> str:
    """A token as its claims, without its times (minted when the run starts)."""
    payload = token.group(1)
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return json.dumps({k: v for k, v in claims.items() if k not in ("exp", "iat", "nbf")}, sort_keys=True)


@dataclass
class Recorder:
    """An ASGI app that notes every request before ``app`` answers it."""

    app: Any
    seen: list[Request] = field(default_factory=list)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = tuple(
                sorted(
                    (k.decode("latin-1"), JWT.sub(_claims, v.decode("latin-1")))
                    for k, v in scope["headers"]
                    if k not in RUN_SPECIFIC
                )
            )
            self.seen.append((scope["method"], scope["path"], scope["query_string"].decode("latin-1"), headers))
        await self.app(scope, receive, send)

    def sent_by(self, options: FuzzOptions) -> set[Request]:
        """The distinct requests of one run (Schemathesis may send an input drawn twice at once twice)."""
        self.seen.clear()
        result = run(options)
        assert (result.exit_code, result.errors) == (0, []), result.errors
        return set(self.seen)


@pytest.fixture(scope="module")
def mock() -> Iterator[tuple[Recorder, str]]:
    recorder = Recorder(create_app(Settings(count=200)))
    with serving(recorder) as base:
        yield recorder, base


def _literals(count: int) -> str:
    """A module's source with ``count`` literals of each kind Hypothesis collects: integers, floats, strings."""
    integers = [(-1) ** i * 7**i % 2**40 for i in range(count)] + list(range(-count // 2, count // 2))
    floats = [i / 7 for i in range(count)]
    strings = [f"{chr(97 + i % 26)}{i}" for i in range(count)] + ["start", "end", "true", "false", "summary"]
    return f"INTEGERS = {integers!r}\nFLOATS = {floats!r}\nSTRINGS = {strings!r}\n"


def test_a_seed_sends_the_same_requests_whatever_local_modules_are_imported(
    mock: tuple[Recorder, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, base = mock
    options = FuzzOptions(api="events", target=base, seed=3, max_examples=24, phases=("fuzzing",))
    before = recorder.sent_by(options)
    (tmp_path / "user_hooks_literals.py").write_text(_literals(300), encoding="utf-8")
    monkeypatch.syspath_prepend(tmp_path)
    importlib.import_module("user_hooks_literals")  # a user's local module, as a conftest or hooks file would be
    try:
        after = recorder.sent_by(options)
    finally:
        del sys.modules["user_hooks_literals"]  # (Hypothesis's own pool keeps its literals: the process's)
    assert len(before) > 100
    assert before == after, (sorted(before - after)[:3], sorted(after - before)[:3])
    again = recorder.sent_by(replace(options, seed=4))
    assert again != before  # the seed does decide the requests
