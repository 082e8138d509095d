"""The broken-server catalogue's run: its seeds, budget and phases, and what each seed caught, for the summary line."""

from __future__ import annotations

import os

from mockserver.contract.options import DEFAULT_MAX_EXAMPLES, PHASES

__all__ = ["BROKEN_PHASES", "CATALOGUE_RUN", "EDGES", "FULL", "MAX_EXAMPLES", "SEEDS"]

FULL = os.environ.get("CONTRACT_FULL") == "1"
SEEDS = (1, 2, 3) if FULL else (1,)
MAX_EXAMPLES = DEFAULT_MAX_EXAMPLES if FULL else 30
BROKEN_PHASES = PHASES if FULL else ()  # make test: the edge requests alone catch every breakage
EDGES = "edge requests only (no Schemathesis phase)"
# The user property a catalogue test's report carries: (seed, how the run was made, the breakage's name); the test
# passed when its breakage was caught. tests/contract/conftest.py counts them from the reports (so it works across
# pytest-xdist's workers too) and prints the detection rate at the end.
CATALOGUE_RUN = "broken-server catalogue run"
