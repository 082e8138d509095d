"""The semantic report (placeholder)."""

from __future__ import annotations

from pathlib import Path

from mockserver.contract.results import RunResult

__all__ = ["write_semantic"]


def write_semantic(result: RunResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<!doctype html><title>semantic</title>", encoding="utf-8")
