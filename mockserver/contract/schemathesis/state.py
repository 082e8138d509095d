"""One run's shared state: what the survey learned, what the checks saw, and which schema it belongs to.

Schemathesis keeps checks in a process-wide registry and hands each one the case it judges; the run's schema carries
the run's state while the run lasts, so a check finds it through the case's schema (no registry of our own), and
does nothing for schemas that are not a contract run (so other Schemathesis users in the process are untouched).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mockserver.contract.results import Coverage
from mockserver.contract.target.expected import Expectation
from mockserver.contract.target.facets import facets
from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.survey import Landscape

__all__ = ["RunState", "activated", "active"]


@dataclass
class RunState:
    profile: ApiProfile
    landscape: Landscape
    headers: dict[str, str]  # every header a request of the run carries, credentials included
    unscoped_token: str | None
    fired: Counter[str] = field(default_factory=Counter)
    reached: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)  # check -> facets (reach.py)
    facets: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # case id -> its request's facets
    probes: Counter[str] = field(default_factory=Counter)
    coverage: Coverage = field(default_factory=Coverage)
    seen_cases: set[str] = field(default_factory=set)
    next_pages: dict[str, Any] = field(default_factory=dict)
    expectations: dict[str, Expectation] = field(default_factory=dict)  # by case id
    expected: dict[str, Any] = field(default_factory=dict)  # the modelled answer (or None), by case id
    session: Any = None  # the run's BoundedSession (None in-process): the checks' own requests go through it
    lock: threading.RLock = field(default_factory=threading.RLock)
    mock_rules: bool = True  # held to the mock's own decisions too (the target is the mock); its data never moves
    violated: set[str] = field(default_factory=set)  # checks with a disagreement that a fresh view did not explain
    moves: Counter[str] = field(default_factory=Counter)  # per check: disagreements a fresh survey explained
    appeared: set[str] = field(default_factory=set)  # ids of records a fresh survey found that the earlier did not
    gone: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)  # ids of records whose instants or category differ

    def moved(self, check: str, before: Landscape, after: Landscape) -> None:
        """A disagreement of ``check`` explained by the data having changed from ``before`` to ``after``."""
        old = {repr(r.id): r for r in before.records}
        new = {repr(r.id): r for r in after.records}
        with self.lock:
            self.moves[check] += 1
            self.appeared.update(new.keys() - old.keys())
            self.gone.update(old.keys() - new.keys())
            self.changed.update(i for i in old.keys() & new.keys() if old[i] != new[i])

    def data_changes(self) -> list[str]:
        """How many disagreements (per check) the data's changes explained, and which records changed."""
        if not self.moves:
            return []

        def some(ids: set[str]) -> str:
            shown = sorted(ids)[:5]
            return f"{len(ids)} ({', '.join(shown)}{', …' if len(ids) > 5 else ''})" if ids else "0"

        per_check = ", ".join(f"{check} {count}" for check, count in sorted(self.moves.items()))
        return [
            f"{sum(self.moves.values())} disagreements with earlier answers explained by a fresh view ({per_check})",
            f"records appeared {some(self.appeared)}, changed {some(self.changed)}, gone {some(self.gone)}",
        ]

    def fire(self, name: str, case: Any) -> None:
        """Check ``name`` had something to verify in ``case``'s answer: count it, and what the request reached."""
        found = self.facets.get(case.id)
        if found is None:  # once per request, however many checks fire on its answer
            expectation = self.expectations.get(case.id)
            found = self.facets[case.id] = facets(
                self.profile, case.query, case.headers, self.headers, expectation.request if expectation else None
            )
        with self.lock:
            self.fired[name] += 1
            self.reached.setdefault(name, Counter()).update(found)


_ATTRIBUTE = "mockserver_run"  # where a contract run's schema carries its state


@contextmanager
def activated(schema: Any, state: RunState) -> Iterator[RunState]:
    """``state`` carried by ``schema`` while the run lasts: the checks find it on their case's schema."""
    setattr(schema, _ATTRIBUTE, state)
    try:
        yield state
    finally:
        delattr(schema, _ATTRIBUTE)


def active(case: Any) -> RunState | None:
    """The state of the run ``case`` belongs to; None for a schema that is not a contract run's."""
    found: RunState | None = getattr(case.operation.schema, _ATTRIBUTE, None)
    return found
