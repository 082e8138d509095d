"""Type aliases for the Schemathesis objects the contract tester handles."""

from __future__ import annotations

from typing import Any

from schemathesis.baseline import Baseline
from schemathesis.core.failures import Failure
from schemathesis.engine.events import EngineEvent as Event
from schemathesis.generation.case import Case as _Case
from schemathesis.schemas import APIOperation as _APIOperation
from schemathesis.schemas import BaseSchema as Schema

__all__ = ["Baseline", "Case", "Event", "Failure", "Operation", "Schema"]

Case = _Case[Any]
Operation = _APIOperation[Any, Any, Any, Any]
