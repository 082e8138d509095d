"""Failures grouped by check, for the reports people read: the first few examples of each check, the rest counted.

A target broken everywhere fails the same check hundreds of times; one group per check, in the order the checks
first failed, says what is broken before the examples say where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mockserver.contract.results import FailureReport

__all__ = ["EXAMPLES", "FailureGroup", "by_check"]

EXAMPLES = 3  # examples shown per check


@dataclass(frozen=True)
class FailureGroup:
    check: str
    total: int
    shown: tuple[FailureReport, ...]

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def by_check(failures: Sequence[FailureReport], examples: int = EXAMPLES) -> list[FailureGroup]:
    """One group per failing check, in the order of each check's first failure."""
    grouped: dict[str, list[FailureReport]] = {}
    for failure in failures:
        grouped.setdefault(failure.check, []).append(failure)
    return [FailureGroup(check, len(found), tuple(found[:examples])) for check, found in grouped.items()]
