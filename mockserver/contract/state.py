"""One run's shared state: what the survey learned, what the checks saw, and which schema it belongs to.

Schemathesis keeps checks in a process-wide registry; a check finds its run through the case's schema and
does nothing for schemas that are not a contract run (so other Schemathesis users in the process are untouched).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mockserver.contract.landscape import Landscape
from mockserver.contract.profiles import ApiProfile
from mockserver.contract.reach import facets

__all__ = ["Coverage", "Expectation", "RunState", "activated", "active"]


@dataclass(frozen=True)
class Expectation:
    """What an edge request the run sends on purpose must get, and the check and rule that say so."""

    check: str
    rule: str  # the spec's rule, as the failure text states it
    request: str  # what is special about the request, for a person
    statuses: tuple[int, ...]
    param: str | None = None  # the parameter a 400's detail must name
    value: str | None = None  # the value it must name
    challenge: bool = False  # a 401 must carry WWW-Authenticate: Bearer
    same_as: Any = None  # the body a 200 must equal (set once the baseline was fetched)


@dataclass
class Coverage:
    """How much of the target's behaviour the run reached."""

    responses: int = 0  # 200s to positive requests
    non_empty: int = 0
    pages: Counter[int] = field(default_factory=Counter)  # served page numbers of non-empty pages
    last_pages: int = 0  # non-empty pages followed by an empty one
    order_by: Counter[str] = field(default_factory=Counter)  # non-empty responses per ordered field
    filters: Counter[str] = field(default_factory=Counter)  # non-empty responses per filter parameter used

    @property
    def non_empty_share(self) -> float:
        return self.non_empty / self.responses if self.responses else 0.0


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

    def fire(self, name: str, case: Any) -> None:
        """Check ``name`` had something to verify in ``case``'s answer: count it, and what the request reached."""
        found = self.facets.get(case.id)
        if found is None:  # once per request, however many checks fire on its answer
            expectation = self.expectations.get(case.id)
            found = self.facets[case.id] = facets(
                self.profile, case, self.headers, expectation.request if expectation else None
            )
        with self.lock:
            self.fired[name] += 1
            self.reached.setdefault(name, Counter()).update(found)


_ACTIVE: dict[int, RunState] = {}


@contextmanager
def activated(schema: Any, state: RunState) -> Iterator[RunState]:
    _ACTIVE[id(schema)] = state
    try:
        yield state
    finally:
        del _ACTIVE[id(schema)]


def active(case: Any) -> RunState | None:
    return _ACTIVE.get(id(case.operation.schema))
