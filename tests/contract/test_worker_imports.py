"""With ``--workers N``, a run's worker threads import nothing: every module they execute was imported before they
started (``schemathesis/preload.py``). Two threads importing one module at once can get it half executed
("cannot import name 'RandomStrategy'": a correct deployment failed so in CI).

The oracle is the import system's own: a finder first on ``sys.meta_path`` of a fresh process notes every import
made by a thread the runs started (``worker_imports.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.fresh import run_module


def test_the_worker_threads_of_a_run_import_no_module(tmp_path: Path) -> None:
    out = tmp_path / "late.json"
    run_module("tests.contract.worker_imports", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == []
