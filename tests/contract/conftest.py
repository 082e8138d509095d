"""The broken-server catalogue's detection rate, printed at the end of the run."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.contract.breakages import CATALOGUE  # noqa: PLC0415
    from tests.support.detection import BROKEN_PHASES, CAUGHT, MAX_EXAMPLES  # noqa: PLC0415

    for seed, caught in sorted(CAUGHT.items()):
        terminalreporter.write_line(
            f"broken-server catalogue, seed {seed}: {len(caught)}/{len(CATALOGUE)} caught "
            f"({len(caught) / len(CATALOGUE):.0%}), "
            + (f"--max-examples {MAX_EXAMPLES}" if BROKEN_PHASES else "edge requests only (no Schemathesis phase)")
        )
