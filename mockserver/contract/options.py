"""What a contract run is asked to do: a frozen value built by the CLI, the pytest plugin or tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockserver.specs import ApiId

__all__ = ["DEFAULT_SESSION_TOKEN", "PHASES", "FuzzOptions"]

PHASES = ("examples", "coverage", "fuzzing")
DEFAULT_SESSION_TOKEN = "contract-tester"


@dataclass(frozen=True)
class FuzzOptions:
    api: ApiId
    target: str  # where the spec's paths are appended, e.g. http://127.0.0.1:8000/main
    app: Any = None  # an ASGI app to call in-process instead of over the network (target is then its URL)
    token: str | None = None  # None: a development token that the mock accepts
    unscoped_token: str | None = None
    session_token: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    max_examples: int = 100
    seed: int = 0
    timeout: float = 10.0
    junit: Path | None = None
    report: Path | None = None
    reveal_credentials: bool = False
    phases: tuple[str, ...] = PHASES
