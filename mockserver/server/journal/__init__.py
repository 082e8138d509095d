"""The request journal: a bounded ring of the latest requests to the APIs, each with why the mock answered so.

Three modules, one job each: ``entry`` (one request as recorded and how it is shown: its JSON, its curl command, its
headers with every credential fingerprinted), ``ring`` (``Journal``: the entries kept within a count and a byte
budget, selected, cleared, their response bodies worked out again) and ``stage`` (``JournalStage``: the ASGI stage
that records each request, and writes the access log's line). The names the rest of the mock uses are exported here,
so that it depends on the journal, not on how the journal is split.
"""

from mockserver.core.credentials import fingerprint
from mockserver.server.journal.entry import (
    EXTENSION,
    SESSION_VARIABLE,
    VALUE_CAP,
    Entry,
    Served,
    Understand,
    monotonic_of,
    wall_clock,
)
from mockserver.server.journal.ring import DEFAULT_BYTES, DEFAULT_CAPACITY, Journal, Replay
from mockserver.server.journal.stage import JournalStage, did_you_mean

__all__ = [
    "DEFAULT_BYTES",
    "DEFAULT_CAPACITY",
    "EXTENSION",
    "SESSION_VARIABLE",
    "VALUE_CAP",
    "Entry",
    "Journal",
    "JournalStage",
    "Replay",
    "Served",
    "Understand",
    "did_you_mean",
    "fingerprint",
    "monotonic_of",
    "wall_clock",
]
