"""The query as a frozen value: window bounds, category filter, ordering and paging.

Named tuples, not frozen dataclasses: a request builds a query, two bounds and a page, and a frozen dataclass
writes each field through ``object.__setattr__``, which costs more than building a tuple (``bench/RESULTS.md``).
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from mockserver.core.instants import Instant

__all__ = ["Bound", "Page", "Query"]

Op = Literal[">=", "<=", "<"]


class Bound(NamedTuple):
    """``record[field] <op> instant``, compared exactly."""

    field: str
    op: Op
    instant: Instant

    @property
    def micros(self) -> int:
        """The whole-microsecond threshold that gives the same answer on whole-microsecond data."""
        # v >= q  <=>  v >= ceil(q);  v < q  <=>  v < ceil(q);  v <= q  <=>  v <= floor(q)
        return self.instant.micros if self.op == "<=" else self.instant.ceil


class Query(NamedTuple):
    """What to list: records within every bound (and of ``category``), ordered by ``order`` then id, one page."""

    order: str
    bounds: tuple[Bound, ...]
    page: int
    size: int
    category: str | None = None
    find_id: int | None = None
    empty: bool = False  # matches nothing whatever the data (an inverted window)


class Page(NamedTuple):
    """One page of a query's answer: record indexes in order, the number of matches and the page served."""

    indexes: npt.NDArray[np.signedinteger[Any]]
    total: int
    page: int
    size: int
