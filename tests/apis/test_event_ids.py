"""The events' id order: ``_ranks`` ranks ids (compared as (high, low)) as a lexicographic sort does, also where
ids share the top bits that its one sort keys on, or their whole ``high``."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mockserver.apis.events import _ranks
from mockserver.core.draws import Rng


def _lexsort_ranks(high: np.ndarray, low: np.ndarray) -> list[int]:
    rank = np.empty(len(high), dtype=np.int64)
    rank[np.lexsort((low, high))] = np.arange(len(high))
    return rank.tolist()


# Highs from a few values at a few scales: many share their top bits (ties for the one sort), some are equal.
_HIGHS = st.builds(
    lambda small, shift: (small << shift) % 2**64, st.integers(0, 40), st.sampled_from([0, 3, 40, 58, 59])
)


@given(st.lists(st.tuples(_HIGHS, st.integers(0, 2**64 - 1)), min_size=1, max_size=200, unique=True))
def test_ranks_are_the_lexicographic_order_of_the_ids(ids: list[tuple[int, int]]) -> None:
    high = np.array([h for h, _ in ids], dtype=np.uint64)
    low = np.array([lo for _, lo in ids], dtype=np.uint64)
    assert _ranks(high, low).tolist() == _lexsort_ranks(high, low)


def test_ranks_of_a_generated_column_are_the_lexicographic_order() -> None:
    rng = Rng(1, "events", 100_000)
    high, low = rng.column("id.high"), rng.column("id.low")
    assert _ranks(high, low).tolist() == _lexsort_ranks(high, low)
