"""Type aliases for the Schemathesis objects the contract tester handles."""

from __future__ import annotations

from typing import Any

from schemathesis.generation.case import Case as _Case
from schemathesis.schemas import APIOperation as _APIOperation

__all__ = ["Case", "Operation"]

Case = _Case[Any]
Operation = _APIOperation[Any, Any, Any, Any]
