"""The journal's ring, against a model: a list of every request, of which the journal shows the latest finished ones.

Entries are reused once the ring is full, so the law that matters is that reuse never shows: whatever the order in
which requests start, finish and the journal is cleared, ``select`` and ``get`` answer as the model does, and an
entry still being answered is never overwritten by a later request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given
from hypothesis import strategies as st

from mockserver.server.journal import Entry, Journal


def _scope(n: int) -> dict[str, object]:
    return {
        "method": "GET",
        "query_string": f"n={n}".encode(),
        "headers": [(b"host", b"localhost"), (b"authorization", f"Bearer token-{n % 3}".encode())],
    }


@dataclass
class Model:
    """Every request ever opened: (id, path, status or 0 while answered); ids below ``first`` were cleared."""

    requests: list[tuple[int, str, int]] = field(default_factory=list)
    first: int = 1

    def kept(self, capacity: int) -> list[int]:
        """The ids the journal keeps: the latest ``capacity`` opened, not cleared."""
        latest = self.requests[-capacity:] if capacity else []
        return [i for i, _, _ in latest if i >= self.first]


# An action: open a request, finish the oldest open one with a status, or clear the journal.
actions = st.lists(
    st.one_of(
        st.just(("open", 0)), st.tuples(st.just("finish"), st.sampled_from([200, 400, 404])), st.just(("clear", 0))
    ),
    max_size=60,
)


@given(capacity=st.integers(1, 7), steps=actions)
def test_select_and_get_answer_as_the_model_whatever_the_order(capacity: int, steps: list[tuple[str, int]]) -> None:
    journal, model = Journal(capacity), Model()
    answering: list[tuple[Entry, int]] = []  # the entries requests are still writing to, and their ids
    for action, status in steps:
        if action == "open":
            n = len(model.requests) + 1
            entry = journal.open(_scope(n), f"/p{n}", "events")
            model.requests.append((entry.id, f"/p{n}", 0))
            answering.append((entry, n))
        elif action == "finish" and answering:
            entry, n = answering.pop(0)
            assert (entry.id, entry.path) == (n, f"/p{n}")  # never overwritten while answered
            entry.status, entry.answering = status, False
            model.requests[n - 1] = (n, f"/p{n}", status)
        elif action == "clear":
            journal.clear()
            model.first = len(model.requests) + 1
    kept = set(model.kept(capacity))
    finished = [(i, path, status) for i, path, status in reversed(model.requests) if i in kept and status]
    assert [(e.id, e.path, e.status) for e in journal.select()] == finished
    for i, path, _ in model.requests:
        found = journal.get(i)
        got = None if found is None else (found.id, found.path)
        assert got == ((i, path) if i in kept else None)


def test_an_entry_answered_for_longer_than_the_ring_is_left_to_its_request() -> None:
    journal = Journal(3)
    slow = journal.open(_scope(1), "/slow", "events")
    for n in range(2, 10):
        entry = journal.open(_scope(n), f"/p{n}", "events")
        entry.status, entry.answering = 200, False
    assert (slow.id, slow.path, slow.status) == (1, "/slow", 0)
    assert [e.id for e in journal.select()] == [9, 8, 7]


def test_headers_are_shared_between_requests_that_sent_the_same_and_the_cache_is_bounded() -> None:
    journal = Journal(10, frozenset({b"x-session-token"}))
    first = journal.open(_scope(3), "/p", "events")
    again = journal.open(_scope(6), "/p", "events")  # the same token (n % 3)
    assert first.headers is again.headers
    assert dict(first.headers)[b"authorization"].startswith(b"Bearer sha256:")
    for n in range(10_000):  # a client that sends a new session token every time
        journal.open({**_scope(0), "headers": [(b"x-session-token", str(n).encode())]}, "/p", "events")
    assert len(journal._shown.lists) <= 4096 and len(journal._shown.headers) <= 4096
