"""What the adapter's drivers need of a run: its options, result, session and tallies, and how to report to it.

The runner's job has these; the adapter takes them through this protocol, so that it depends on no runner module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Protocol

from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import RunResult
from mockserver.contract.schemathesis.curl import Secrets
from mockserver.contract.schemathesis.transport import BoundedSession
from mockserver.contract.schemathesis.types import Event, Failure

__all__ = ["Tally"]


class Tally(Protocol):
    """One run's shared state, as the engine driver and the edge scenario use it."""

    @property
    def options(self) -> FuzzOptions: ...
    @property
    def result(self) -> RunResult: ...
    @property
    def session(self) -> BoundedSession | None: ...
    @property
    def secrets(self) -> Secrets: ...
    @property
    def say(self) -> Callable[[str], None]: ...
    @property
    def emit(self) -> Callable[[Event], None]: ...
    @property
    def runs(self) -> Counter[str]: ...
    @property
    def failed(self) -> Counter[str]: ...

    def known(self, failure: Failure, name: str) -> bool:
        """A failure the ``--baseline`` file accepts."""
        ...

    def fail(self, name: str, failure: Failure, curl: str) -> None:
        """One failure of check ``name``, with its curl line."""
        ...

    def throttled_out(self) -> bool:
        """Whether the run cannot go on (it then says why in its result)."""
        ...
