"""The contract tester's own phase, labelled in Schemathesis's events as its phases are, so that its reports and
writers show the edge requests as ours rather than as Schemathesis's coverage phase."""

from __future__ import annotations

import enum

__all__ = ["OwnPhase"]


class OwnPhase(enum.StrEnum):
    """A phase of ours: a name, a value and a ``display`` title, as Schemathesis's ``PhaseName`` has."""

    EDGE_REQUESTS = "edge_requests"

    @property
    def display(self) -> str:
        return self.value.replace("_", " ").capitalize()
