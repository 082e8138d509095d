"""The edge requests the tester sends itself are reported as its own phase, not as one of Schemathesis's."""

from __future__ import annotations

from pathlib import Path

from mockserver.contract.commands.fuzz import run_reported
from mockserver.contract.options import FuzzOptions
from mockserver.server.app import create_app
from mockserver.server.settings import Settings


def test_a_run_of_edge_requests_alone_reports_them_as_its_own_phase(tmp_path: Path) -> None:
    options = FuzzOptions(
        api="events",
        target="http://testserver",
        app=create_app(Settings(count=50)),
        phases=(),
        reports=("ndjson",),
        report_dir=tmp_path,
    )
    _, written = run_reported(options)
    text = "".join(path.read_text() for path in written if path.is_file())
    assert ('"phase":"edge_requests"' in text.replace(" ", ""), '"phase":"coverage"' in text.replace(" ", "")) == (
        True,
        False,
    )
