"""The broken-server catalogue's run: its seeds, budget and phases, and what each seed caught, for the summary line."""

from __future__ import annotations

import os

from mockserver.contract.options import DEFAULT_MAX_EXAMPLES, PHASES

__all__ = ["BROKEN_PHASES", "CAUGHT", "EDGES", "FULL", "MAX_EXAMPLES", "SEEDS"]

FULL = os.environ.get("CONTRACT_FULL") == "1"
SEEDS = (1, 2, 3) if FULL else (1,)
MAX_EXAMPLES = DEFAULT_MAX_EXAMPLES if FULL else 30
BROKEN_PHASES = PHASES if FULL else ()  # make test: the edge requests alone catch every breakage
EDGES = "edge requests only (no Schemathesis phase)"
# (seed, how the run was made) -> (names caught, names run); printed at the end by tests/contract/conftest.py
CAUGHT: dict[tuple[int, str], tuple[set[str], set[str]]] = {}
