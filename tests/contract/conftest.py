"""The broken-server catalogue's detection rate, printed at the end of the run."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.support.detection import CATALOGUE_RUN  # noqa: PLC0415

    runs: dict[tuple[int, str], tuple[set[str], set[str]]] = {}  # (seed, how) -> (names caught, names run)
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", None) != "call":
                continue
            for _key, (seed, how, name) in (p for p in report.user_properties if p[0] == CATALOGUE_RUN):
                caught, ran = runs.setdefault((seed, how), (set(), set()))
                ran.add(name)
                if outcome == "passed":
                    caught.add(name)
    for (seed, how), (caught, ran) in sorted(runs.items()):
        share = f"{len(caught)}/{len(ran)} caught ({len(caught) / len(ran):.0%})"
        terminalreporter.write_line(f"broken-server catalogue, seed {seed}: {share}, {how}")
