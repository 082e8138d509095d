"""With ``--workers N``, a run's worker threads import nothing: every module they execute was imported before they
started (``schemathesis/preload.py``). Two threads importing one module at once can get it half executed
("cannot import name 'RandomStrategy'": a correct deployment failed so in CI).

The oracle is the import system's own: a finder first on ``sys.meta_path`` of a fresh process notes every import
made by a thread the runs started (``worker_imports.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_worker_threads_of_a_run_import_no_module(tmp_path: Path) -> None:
    out = tmp_path / "late.json"
    done = subprocess.run(
        [sys.executable, "-m", "tests.contract.worker_imports", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(out.read_text(encoding="utf-8")) == []
