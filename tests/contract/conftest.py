"""The broken-server catalogue's detection rate, printed at the end of the run."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.support.detection import CAUGHT  # noqa: PLC0415

    for (seed, how), (caught, ran) in sorted(CAUGHT.items()):
        share = f"{len(caught)}/{len(ran)} caught ({len(caught) / len(ran):.0%})"
        terminalreporter.write_line(f"broken-server catalogue, seed {seed}: {share}, {how}")
