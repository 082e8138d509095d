"""The schema's ``map_case`` hook: each valid generated case's query handed to the run's steering."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemathesis import GenerationMode
from schemathesis.generation.meta import TestPhase

from mockserver.contract.schemathesis.types import Case, Schema

__all__ = ["steer_cases", "steering_hook"]


def steering_hook(steer: Callable[[dict[str, Any], bool], None]) -> Callable[[Any, Case], Case]:
    """The ``map_case`` hook that lets ``steer`` aim each positive case whose query is a dict (told whether it is the
    coverage phase's)."""

    def map_case(context: Any, case: Case) -> Case:
        meta = case.meta
        if meta is None or meta.generation.mode != GenerationMode.POSITIVE or not isinstance(case.query, dict):
            return case
        steer(case.query, meta.phase.name == TestPhase.COVERAGE)
        return case

    return map_case


def steer_cases(schema: Schema, steer: Callable[[dict[str, Any], bool], None]) -> None:
    """Hand the schema's generated cases to ``steer``, through :func:`steering_hook`."""
    schema.hook(steering_hook(steer))
