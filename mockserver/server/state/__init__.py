"""One state for the whole mock, wherever it runs: the journal and the runtime scenarios behind one interface.

Every process records its requests in its own ``Journal`` (the request path never waits on another process) and asks
its ``book`` whether a scenario applies; the admin routes ask the store, which answers for every process: the
embedded store (``embedded.Embedded``: one machine, ``--workers N``) or Redis (``redis_store.RedisState``: replicas
anywhere). ``open_state`` picks one from ``--state``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from mockserver.server.journal import Journal
from mockserver.server.runtime import RuntimeScenario, ScenarioBook

__all__ = ["JournalOf", "State", "StoreUnavailableError", "TooManyScenariosError"]

JournalOf = Callable[[Callable[[], int] | None], Journal]  # a process's journal, given where its ids come from


class StoreUnavailableError(Exception):
    """The store cannot answer now (the admin routes answer 503 naming it; API requests go on)."""

    def __init__(self, store: str, reason: str) -> None:
        super().__init__(f"the state store {store} is unavailable: {reason}")
        self.store = store


class TooManyScenariosError(Exception):
    """One scenario too many (a 400 for the ``PUT`` that asked)."""


class State(Protocol):
    name: str  # how the admin routes and /healthz name the store (never a password)
    journal: Journal  # this process's: the request path records there
    book: ScenarioBook  # this process's view of the scenarios: the request path asks it, synchronously

    def health(self) -> str:
        """``ok``, or ``degraded`` when the store is out of reach (API requests are still answered)."""
        ...

    def spread(self) -> None:
        """In the supervisor, before it forks workers that will share this state."""
        ...

    def reaped(self, pid: int) -> None:
        """In the supervisor, for a worker that exited."""
        ...

    def close(self) -> None:
        """When the server stops."""
        ...

    async def attach(self) -> None:
        """In each serving process, on its event loop, before it serves."""
        ...

    def detach(self) -> None:
        """In each serving process, once it has stopped serving (what it still holds for the others, handed over)."""
        ...

    async def requests(self, api: str | None, status: int | None, since: int | None, limit: int) -> list[Any]:
        """Every process's matching entries, rendered, newest first; every request answered before the call."""
        ...

    async def count(
        self, api: str | None, status: int | None, since: int | None, carried: Mapping[str, str]
    ) -> int: ...

    async def entry(self, entry_id: int) -> Any | None: ...

    async def clear_requests(self) -> None: ...

    async def scenarios(self) -> list[RuntimeScenario]: ...

    async def put_scenario(
        self, values: dict[str, Any], api: str | None, session: str | None, token: str | None, times: int | None
    ) -> RuntimeScenario:
        """Set a scenario; returns once every process applies it to the requests that start after."""
        ...

    async def clear_scenarios(self) -> None: ...
