"""A module of the tests run in a fresh Python process (nothing imported yet; SIGINT reaches the thread it runs in)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

__all__ = ["run_module"]

ROOT = Path(__file__).resolve().parents[2]


def run_module(module: str, *args: str) -> str:
    """``python -m module args`` from the repository's root: its standard output (it must exit 0)."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout
