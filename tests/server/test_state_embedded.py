"""The embedded store's shared memory, across a real fork: what one process writes, the other reads."""

from __future__ import annotations

import os

import pytest

from mockserver.server.state import TooManyScenariosError
from mockserver.server.state.embedded import SharedBook, SharedMemory
from tests.support.forked import in_children


def _in_child(work: object) -> None:
    """Run ``work()`` in a forked child and wait for it; its exit status says whether it held."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            work()  # type: ignore[operator]
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_scenario_put_in_one_process_is_taken_in_another_exactly_times_times() -> None:
    book = SharedBook(SharedMemory())
    _in_child(lambda: book.put({"code": 503}, "events", None, None, 3))
    assert bool(book)
    taken = [book.take("events", (), None) for _ in range(4)]
    assert [t is not None for t in taken] == [True, True, True, False]
    assert not book


# The compiled counter where it is built (``next_id``), and its twin, the id taken under the lock.
IDS = pytest.mark.parametrize("taker", ["next_id", "_locked_id"])


@IDS
def test_journal_ids_increase_across_processes(taker: str) -> None:
    memory = SharedMemory()
    next_id = getattr(memory, taker)
    first = next_id()
    _in_child(lambda: [next_id() for _ in range(10)])
    assert next_id() == first + 11


@IDS
def test_ids_taken_at_once_by_several_processes_are_each_taken_once(taker: str) -> None:
    memory = SharedMemory()
    next_id = getattr(memory, taker)
    taken = memoryview(memory.map)[-8 * 3 * 2000 :].cast("q")  # the end of the book's bytes, unused here

    def take(n: int) -> None:
        for k in range(2000):
            taken[n * 2000 + k] = next_id()

    in_children(3, take)
    assert sorted(taken) == list(range(1, 6001))
    taken.release()


def test_a_lock_held_by_a_process_that_died_is_released_when_it_is_reaped() -> None:
    memory = SharedMemory()
    pid = os.fork()
    if pid == 0:
        memory.lock.acquire()
        memory.words[3] = os.getpid()  # as ``locked`` records its holder
        os._exit(0)
    os.waitpid(pid, 0)
    memory.reaped(pid)
    assert memory.lock.acquire(timeout=1)


def test_at_most_1000_scenarios_are_in_force_and_a_same_scope_still_replaces() -> None:
    book = SharedBook(SharedMemory())
    for n in range(1000):
        book.put({"code": 503}, None, f"sha256:{n:012x}", None, None)
    with pytest.raises(TooManyScenariosError):
        book.put({"code": 503}, None, "sha256:ffffffffffff", None, None)
    book.put({"code": 403}, None, f"sha256:{0:012x}", None, None)
    assert len(book.listed()) == 1000
