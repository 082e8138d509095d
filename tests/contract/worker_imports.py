"""Run as ``python -m tests.contract.worker_imports OUT``: three runs with ``--workers 8`` in a fresh process, against
the mock of each API and against a server that fails some fuzzed requests (so Hypothesis also shrinks), recording
every module imported by a thread started after the servers. It writes them to OUT as JSON: [thread name, module].

A fresh process, because a module already imported by an earlier test is never imported again.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import sys
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

late: list[tuple[str, str]] = []
servers: set[int] = set()  # the idents of threads alive before the runs: the servers'


class Recorder(importlib.abc.MetaPathFinder):
    """Notes each import made by a thread the runs started, and lets the other finders find it."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        current = threading.current_thread()
        if servers and current is not threading.main_thread() and current.ident not in servers:
            late.append((current.name, fullname))
        return None


sys.meta_path.insert(0, Recorder())

from mockserver.contract.options import FuzzOptions  # noqa: E402  (imported after the recorder on purpose)
from mockserver.contract.runner import run  # noqa: E402
from mockserver.server.app import create_app  # noqa: E402
from mockserver.server.settings import Settings  # noqa: E402
from tests.support.threaded import serving  # noqa: E402


def failing_large_limits(app: Any) -> Any:
    """The mock, answering 500 to any request asking for a limit above 3: Schemathesis finds it and shrinks it."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        limits = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("limit", [])
        if scope["type"] == "http" and any(v.isdigit() and int(v) > 3 for v in limits):
            await send({"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"boom"})
            return
        await app(scope, receive, send)

    return wrapped


def main(out: Path) -> None:
    mock = create_app(Settings(count=200))
    with ExitStack() as stack:
        events = stack.enter_context(serving(mock))
        broken = stack.enter_context(serving(failing_large_limits(mock)))
        servers.update(t.ident for t in threading.enumerate() if t.ident is not None)
        for api, target, exit_code in (
            ("events", events, 0),
            ("interventions", events + "/main", 0),
            ("events", broken, 1),
        ):
            result = run(FuzzOptions(api=api, target=target, workers=8, max_examples=20, seed=1))
            assert (result.exit_code, result.errors) == (exit_code, []), (result.failures[:2], result.errors)
    out.write_text(json.dumps(sorted(set(late))), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
