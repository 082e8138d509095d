"""A journal entry written for a store outside the process and read back renders exactly as the original did."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.server.journal import Journal
from mockserver.server.state.wire import dumped, loaded

SCOPE: dict[str, Any] = {
    "method": "GET",
    "path": "/events",
    "raw_path": b"/ev%65nts",
    "query_string": b"from=2024-01-01T00:00:00Z&to=x%C3%A9&limit=7",
    "headers": [(b"host", b"127.0.0.1:8000"), (b"authorization", b"Bearer a.b.c"), (b"x-other", b"\xe9t\xe9")],
    "scheme": "http",
    "server": ("127.0.0.1", 8000),
}


def _served(journal: Journal) -> None:
    journal.served(SCOPE, "/events", "events", 1.5, (100, 2, 10, 10, "seed=3"))


def _refused(journal: Journal) -> None:
    entry = journal.open(SCOPE, "/events", "events")
    entry.explain("refused", "to='xé' is not a date-time", rule="parameter")
    entry.status, entry.applied, entry.answering = 400, ("code=503", "scenario"), False


def _no_route(journal: Journal) -> None:
    entry = journal.open({**SCOPE, "path": "/nowhere", "server": None}, "/nowhere", None)
    entry.explain("no-route", "no API operation at GET /nowhere")
    entry.status, entry.answering = 404, False


@pytest.mark.parametrize("record", [_served, _refused, _no_route], ids=["served", "refused", "no-route"])
def test_an_entry_read_back_renders_as_the_original(record: Any) -> None:
    journal = Journal(10)
    record(journal)
    (original,) = journal.select()
    back, pid, host = loaded(dumped(original, 4321, "replica-a"), original.id)
    assert (pid, host) == (4321, "replica-a")
    assert journal.render(back) == journal.render(original)
