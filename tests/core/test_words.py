"""The compiled shared counter (``core/_words.c``): processes sharing one mapping never take the same number, and the
counter refuses any word not wholly inside its buffer or not aligned (checked against the arithmetic of the word's
place, done here)."""

from __future__ import annotations

import mmap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.core._words import Counter
from tests.support.forked import in_children

PROCESSES, EACH = 4, 3000


def test_processes_sharing_the_mapping_take_every_number_once_each_in_increasing_order() -> None:
    shared = mmap.mmap(-1, 8 + PROCESSES * EACH * 8)  # the counter's word, then what each process took
    counter = Counter(shared, 0)
    taken = memoryview(shared)[8:].cast("q")

    def take(n: int) -> None:
        for k in range(EACH):
            taken[n * EACH + k] = counter.next()

    in_children(PROCESSES, take)
    numbers = list(taken)
    assert sorted(numbers) == list(range(1, PROCESSES * EACH + 1))
    each = [numbers[n * EACH : (n + 1) * EACH] for n in range(PROCESSES)]
    assert all(mine == sorted(mine) for mine in each)
    assert counter.next() == PROCESSES * EACH + 1
    taken.release()


@given(st.integers(0, 256), st.integers(0, 15), st.integers(-2, 40))
def test_a_word_outside_the_buffer_or_misaligned_is_refused(size: int, offset: int, index: int) -> None:
    shared = mmap.mmap(-1, 4096)  # page-aligned: the view's start is aligned exactly when ``offset`` is a multiple of 8
    view = memoryview(shared)[offset : offset + size]
    inside = index >= 0 and (index + 1) * 8 <= len(view)
    if inside and offset % 8 == 0:
        counter = Counter(view, index)
        assert [counter.next(), counter.next()] == [1, 2]
        assert int.from_bytes(shared[offset + 8 * index : offset + 8 * index + 8], "little", signed=True) == 2
        del counter
    else:
        with pytest.raises(ValueError, match=r"outside|aligned"):
            Counter(view, index)
    view.release()  # the counter let go of the buffer: nothing holds the mapping
    shared.close()


def test_a_read_only_buffer_is_refused() -> None:
    with pytest.raises(BufferError):
        Counter(b"\0" * 16, 0)


def test_the_mapping_cannot_be_closed_under_a_counter() -> None:
    shared = mmap.mmap(-1, 64)
    counter = Counter(shared, 1)
    with pytest.raises(BufferError):
        shared.close()
    assert counter.next() == 1


def test_a_counter_made_without_init_and_one_initialised_twice_are_refused() -> None:
    bare = Counter.__new__(Counter)
    with pytest.raises(ValueError, match="not initialised"):
        bare.next()
    counter = Counter(mmap.mmap(-1, 64), 0)
    with pytest.raises(TypeError, match="already initialised"):
        counter.__init__(mmap.mmap(-1, 64), 0)  # type: ignore[misc]
    assert counter.next() == 1
