"""Scenarios set at run time (``PUT /__mock/scenario``): what a ``Prefer`` header asks, for the next requests.

A scenario holds preferences under the ``Prefer`` names (``code``, ``example``, ``delay``, ``dataset``, ``seed``)
and a scope: one API, one session token, one bearer token (both by fingerprint), the next N requests. Scenarios
are keyed by their scope (a new one with the same scope replaces the old), and the most specific one that
matches a request applies (ties: the latest set). A request's own ``Prefer`` header wins, preference by preference.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Any

import orjson

from mockserver.server.scenarios import Preferences

__all__ = ["MAX_SCENARIOS", "PREFERENCE_NAMES", "RuntimeScenario", "ScenarioBook", "merge", "preferences_of"]

PREFERENCE_NAMES = ("code", "example", "delay", "dataset", "seed")
MAX_SCENARIOS = 1000  # scenarios in force at once (each scope is one; a client could otherwise add them forever)
Scope = tuple[str | None, str | None, str | None]  # api, session fingerprint, token fingerprint


@dataclass
class RuntimeScenario:
    values: dict[str, Any]  # preference name -> value, as in the Prefer header
    api: str | None
    session: str | None
    token: str | None
    remaining: int | None
    order: int

    @property
    def scope(self) -> Scope:
        return self.api, self.session, self.token

    @property
    def specificity(self) -> int:
        return sum(part is not None for part in self.scope)

    def covers(self, api: str | None, sessions: tuple[str, ...], token: str | None) -> bool:
        return (
            (self.api is None or self.api == api)
            and (self.session is None or self.session in sessions)
            and (self.token is None or self.token == token)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "preferences": self.values,
            "scope": {"api": self.api, "sessionFingerprint": self.session, "tokenFingerprint": self.token},
            "remaining": self.remaining,
        }


class ScenarioBook:
    """The scenarios in force (in this process; ``dump`` and ``load`` carry them to and from a shared store)."""

    def __init__(self, scenarios: list[RuntimeScenario] | None = None) -> None:
        self._by_scope: dict[Scope, RuntimeScenario] = {s.scope: s for s in scenarios or ()}
        self._order = itertools.count(max((s.order for s in self._by_scope.values()), default=-1) + 1)

    def dump(self) -> bytes:
        return orjson.dumps(
            [(s.values, s.api, s.session, s.token, s.remaining, s.order) for s in self._by_scope.values()]
        )

    def __len__(self) -> int:
        return len(self._by_scope)

    @classmethod
    def load(cls, data: bytes) -> ScenarioBook:
        return cls([RuntimeScenario(*fields) for fields in orjson.loads(data)] if data else [])

    def full(self, api: str | None, session: str | None, token: str | None) -> bool:
        """Whether a scenario of this scope would be one too many (a same scope replaces, and is never)."""
        return len(self._by_scope) >= MAX_SCENARIOS and (api, session, token) not in self._by_scope

    def put(
        self, values: dict[str, Any], api: str | None, session: str | None, token: str | None, times: int | None
    ) -> RuntimeScenario:
        scenario = RuntimeScenario(dict(values), api, session, token, times, next(self._order))
        self._by_scope[scenario.scope] = scenario
        return scenario

    def clear(self) -> None:
        self._by_scope.clear()

    def __bool__(self) -> bool:
        return bool(self._by_scope)

    def forget(self, scenario: RuntimeScenario) -> None:
        self._by_scope.pop(scenario.scope, None)

    def listed(self) -> list[RuntimeScenario]:
        """Most specific first, then the latest set first."""
        return sorted(self._by_scope.values(), key=lambda s: (-s.specificity, -s.order))

    def take(self, api: str | None, sessions: tuple[str, ...], token: str | None) -> RuntimeScenario | None:
        """The scenario that applies to a request, counted as used once."""
        found = next((s for s in self.listed() if s.covers(api, sessions, token)), None)
        if found is not None and found.remaining is not None:
            found.remaining -= 1
            if found.remaining <= 0:
                del self._by_scope[found.scope]
        return found


def preferences_of(values: dict[str, Any]) -> Preferences:
    """The preferences a scenario's values stand for, as a ``Prefer`` header with them would give."""
    return Preferences(
        code=values.get("code"),
        example=values.get("example"),
        delay_ms=values.get("delay", 0),
        dataset=values.get("dataset"),
        seed=values.get("seed"),
        applied=tuple(f"{name}={values[name]}" for name in PREFERENCE_NAMES if name in values),
    )


def merge(header: Preferences, runtime: RuntimeScenario | None) -> Preferences:
    """The request's own preferences, completed by the runtime scenario's for the names the request left out."""
    if runtime is None:
        return header
    given = {item.partition("=")[0] for item in header.applied}
    taken = {name: value for name, value in runtime.values.items() if name not in given}
    if not taken:
        return header
    extra = tuple(f"{name}={taken[name]}" for name in PREFERENCE_NAMES if name in taken)
    return replace(
        header,
        code=header.code if "code" in given else taken.get("code"),
        example=header.example if "example" in given else taken.get("example"),
        delay_ms=header.delay_ms if "delay" in given else taken.get("delay", 0),
        dataset=header.dataset if "dataset" in given else taken.get("dataset"),
        seed=header.seed if "seed" in given else taken.get("seed"),
        applied=header.applied + extra,
    )
