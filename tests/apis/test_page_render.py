"""A page written by the native writer (mockserver/core/_pages.c) is, record for record, the Python renderer's JSON,
byte for byte.

The oracle is the Python renderer (``core/render.py``, written by ``orjson.dumps``), which the golden sample files and
test_draw_streams pin; the page renderer is checked against it over every record of several seeds and anchors (the
first and last days of Python's calendar among them: years 0 and below, and 10000, are written as Python writes
them), in pages of every size a client can ask for, in any order. Bad input to the renderer is an exception, never
a crash.
"""

from __future__ import annotations

import datetime
import random
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pytest

from mockserver.apis import events, interventions, table
from mockserver.apis.datasets import generated_store
from mockserver.core import _pages
from mockserver.core import fields as fld
from mockserver.core.draws import Hasher, Records, TextPools
from mockserver.core.instants import format_instant
from mockserver.core.openapi import ApiId
from mockserver.core.program import context_args
from mockserver.core.render import Dataset, Table, python_renderer, records
from mockserver.server.settings import DEFAULT_ANCHOR, anchor_micros
from tests.support.specs import SHIPPED as API_IDS
from tests.support.tables import rendered_alone

COUNT = 20_000
ANCHORS = (anchor_micros(DEFAULT_ANCHOR), 1_000_000_000_000_000 + 123_456_789)  # the default, and an odd instant


def _records(api: ApiId, seed: int, anchor: int) -> Records:
    _, render = table(api).generate(seed, COUNT, anchor)
    assert isinstance(render, Records) and render.page is not None
    return render


@pytest.mark.parametrize("anchor", ANCHORS, ids=["default-anchor", "odd-anchor"])
@pytest.mark.parametrize("seed", [0, 1, 987654321])
@pytest.mark.parametrize("api", API_IDS)
def test_a_page_of_every_record_is_each_record_as_rendered_alone(api: ApiId, seed: int, anchor: int) -> None:
    render = _records(api, seed, anchor)
    assert render.page is not None
    indexes = list(range(COUNT))
    assert render.page(indexes) == rendered_alone(render, indexes)


@pytest.mark.parametrize("day", [date.min, date.max], ids=["first-anchor", "last-anchor"])
@pytest.mark.parametrize("api", API_IDS)
def test_a_page_at_either_end_of_the_calendar_is_each_record_as_rendered_alone(api: ApiId, day: date) -> None:
    render = _records(api, 0, anchor_micros(day))
    assert render.page is not None
    indexes = list(range(COUNT))
    assert render.page(indexes) == rendered_alone(render, indexes)


@pytest.mark.parametrize("api", API_IDS)
def test_pages_of_any_size_and_order_are_each_record_as_rendered_alone(api: ApiId) -> None:
    render = _records(api, 5, ANCHORS[0])
    assert render.page is not None
    pick = random.Random(7)
    for size in (1, 2, 3, 5, 10, 27, 50, 250):
        indexes = pick.sample(range(COUNT), size)
        assert render.page(indexes) == rendered_alone(render, indexes), size


@pytest.mark.parametrize("api", API_IDS)
def test_the_store_serves_the_same_bytes_with_or_without_the_page_renderer(api: ApiId) -> None:
    paged = generated_store(table(api), 3, COUNT, ANCHORS[0])
    alone = generated_store(table(api), 3, COUNT, ANCHORS[0])
    alone.render_page = None
    pick = random.Random(11)
    for _ in range(200):
        indexes = pick.sample(range(COUNT), pick.randint(1, 60))
        assert paged.page_json(np.array(indexes)) == alone.page_json(np.array(indexes))


@pytest.mark.parametrize("api", API_IDS)
@pytest.mark.parametrize(
    ("index", "error"), [(COUNT, IndexError), (-1, IndexError), ("7", TypeError), (2**70, OverflowError)]
)
def test_an_index_outside_the_dataset_is_an_exception(api: ApiId, index: object, error: type[Exception]) -> None:
    render = _records(api, 0, ANCHORS[0])
    assert render.page is not None
    with pytest.raises(error):
        render.page([0, index])  # type: ignore[list-item]


# --- The native writer's own checks, on small tables ------------------------------------------------------------------

HASHER = Hasher(1, "tests")


def _data(**columns: npt.NDArray[Any]) -> Dataset:
    """A dataset of the given columns (every one read-only), pools "p" of 1024 strings "0" to "1023"."""
    for column in columns.values():
        column.setflags(write=False)
    pools = TextPools("en_US", HASHER, {"p": lambda f: str(f.random_int(0, 9))})
    return Dataset(HASHER, columns, 0, pools)


def _args(fields: tuple[fld.Field, ...], data: Dataset) -> list[Any]:
    return list(context_args(Table(data, fields, ())))


ONE = (fld.integer("n", fld.Column("c")),)


def test_columns_of_another_length_than_the_records_are_refused() -> None:
    args = _args(ONE, _data(c=np.zeros(3, dtype=np.int64)))
    args[1] = (np.zeros(2, dtype=np.int64),)
    with pytest.raises(ValueError, match="column 0: 2 values for 3 records"):
        _pages.context(*args)


def test_a_choice_out_of_range_is_an_exception_where_it_is_read() -> None:
    """A value outside a choice's range (a column written after the context was made, say) is refused where it is
    read: an exception, never a read past the choices."""
    codes = np.array([0, 1], dtype=np.int8)
    table = Table(_data(c=codes), (fld.choice("category", ("a", "b"), fld.Column("c")),), ())
    context = _pages.context(*context_args(table))
    assert _pages.page(context, [0, 1]) == b'[{"category":"a"},{"category":"b"}]'
    codes.setflags(write=True)
    codes[1] = 100
    with pytest.raises(ValueError, match="not one of its choices"):
        _pages.page(context, [1])


def test_a_capsule_that_is_no_context_is_refused() -> None:
    """A capsule of another name (datetime's C API) is never read as a context."""
    with pytest.raises(ValueError):
        _pages.page(datetime.datetime_CAPI, [0])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("part", "value", "message"),
    [
        ("code", [99], "not one"),  # an operation that does not exist
        ("code", [], "outside the code"),  # no code for the field's value
        ("code_ref", None, "not valid there"),  # a field reading itself
        ("starts", [0, 0, 0], "outside the code|not valid there"),  # a rule that is a value of no condition
        ("writes_kind", 99, "not a valid writer"),
        ("writes_pool", 5, "not a valid writer"),
        ("keys", [1, 2], "3 values for each of 2 fields"),
    ],
)
def test_a_program_that_does_not_verify_is_refused(part: str, value: Any, message: str) -> None:
    """The context verifies what it is given before anything runs: operations, operands, the stack, the fields a
    field reads, the writers and their pools."""
    args = _args((fld.text("t", "p"),), _data(c=np.zeros(3, dtype=np.int64)))
    ops = {name: code for code, name in enumerate(_pages.OPS)}
    if part == "code":
        args[5] = value
    elif part == "code_ref":
        args[5] = [ops["ref"], 0, ops["end"]]
        args[6] = [-1, 0, -1]
    elif part == "starts":
        args[6] = [5, 0, -1]
    elif part == "writes_kind":
        args[7] = [0, value, 0, 0, 0]
    elif part == "writes_pool":
        args[7] = [0, _pages.WRITERS.index("text"), 0, value, 0]
    elif part == "keys":
        args[4] = value
    with pytest.raises(ValueError, match=message):
        _pages.context(*args)


@pytest.mark.parametrize("depth", [15, 16, 17])
def test_a_program_deeper_than_the_stack_is_refused_and_one_as_deep_runs(depth: int) -> None:
    deep = fld.Max(tuple(fld.Const(k) for k in range(depth)))
    args = _args((fld.integer("n", deep),), _data(c=np.zeros(1, dtype=np.int64)))
    if depth > 16:
        with pytest.raises(ValueError, match="not valid there"):
            _pages.context(*args)
    else:
        assert _pages.page(_pages.context(*args), [0]) == b'[{"n":%d}]' % (depth - 1)


class _Shrinking:
    """A number whose conversion empties the list that holds it (then reads as ``value``)."""

    def __init__(self, numbers: list[Any], value: int) -> None:
        self.numbers, self.value = numbers, value

    def __index__(self) -> int:
        self.numbers.clear()
        return self.value


@pytest.mark.parametrize("part", [4, 5, 6, 7])
def test_numbers_shrunk_by_a_conversion_are_read_as_they_were_passed(part: int) -> None:
    """The writer copies a list of numbers before converting them: a conversion that empties the list (the C read
    on into the emptied list: a segfault) changes nothing of what the context reads."""
    args = _args((fld.text("t", "p", when=fld.Chance(0.5)), *ONE), _data(c=np.arange(3, dtype=np.int64)))
    shrinking = list(args[part])
    shrinking[0] = _Shrinking(shrinking, shrinking[0])
    given = [*args[:part], shrinking, *args[part + 1 :]]
    assert _pages.page(_pages.context(*given), [0, 1, 2]) == _pages.page(_pages.context(*args), [0, 1, 2])


def test_read_only_columns_are_accepted_and_never_written() -> None:
    start = np.arange(0, 3000 * 15 * 60_000_000, 15 * 60_000_000, dtype=np.int64)
    before = start.copy()
    table = Table(_data(s=start), (fld.instant("s", fld.Column("s")),), ())
    assert _pages.page(_pages.context(*context_args(table)), list(range(3000))).count(b'"s":') == 3000
    assert start.tolist() == before.tolist()


@pytest.mark.parametrize("edge", [2**63 - 1, -(2**63)], ids=["last-microsecond", "first-microsecond"])
def test_a_value_beyond_64_bit_integers_is_an_overflow_error(edge: int) -> None:
    """Instants computed from a column at the edge of int64 (minutes after it, minutes before) do not fit: an
    OverflowError, never a wrapped value (a signed overflow, undefined in C), as the Python renderer raises."""
    field = fld.instant("s", fld.Column("c") + fld.Draw(1, 60) * (60_000_000 if edge > 0 else -60_000_000))
    table = Table(_data(c=np.full(2, edge, dtype=np.int64)), (field,), ())
    with pytest.raises(OverflowError):
        _pages.page(_pages.context(*context_args(table)), [0, 1])
    with pytest.raises(OverflowError):
        python_renderer(table)(0)


@pytest.mark.parametrize("micros", [-(2**63), 2**63 - 1], ids=["first", "last"])
def test_an_instant_at_either_end_of_64_bit_microseconds_is_written_as_python_writes_it(micros: int) -> None:
    """An instant is written, day and time of day computed without leaving int64 (the first instant's day starts
    before the first microsecond int64 holds: a signed overflow, found by the fuzz)."""
    table = Table(_data(c=np.full(1, micros, dtype=np.int64)), (fld.instant("start", fld.Column("c")),), ())
    assert orjson.loads(_pages.page(_pages.context(*context_args(table)), [0]))[0]["start"] == format_instant(micros, 0)


# --- A table the package does not ship --------------------------------------------------------------------------------

MODULES = {"events": events, "interventions": interventions}


@pytest.mark.parametrize("api", API_IDS)
def test_a_table_with_one_more_field_is_written_natively_and_leaves_every_other_field_as_it_was(api: ApiId) -> None:
    """A copy of a shipped table with one more field (its values, a presence rule and an instant written from
    them: nothing the C was told about) is written by the native writer, byte for byte as the Python renderer
    writes it, and every other field of every record is what the shipped table writes."""
    module = MODULES[api]
    time_field = table(api).time_fields[0]
    extra = fld.instant("reviewedAt", fld.Ref(time_field) + fld.Draw(1, 90) * 86_400_000_000, when=fld.Chance(0.4))
    fields = tuple(module.FIELDS) if time_field in [f.name for f in module.FIELDS] else ()
    assert fields, time_field
    _, shipped = table(api).generate(5, COUNT, ANCHORS[0])
    _, extended = module.generate(5, COUNT, ANCHORS[0], (*fields, extra))
    assert isinstance(extended, Records) and extended.page is not None and isinstance(shipped, Records)
    indexes = list(range(COUNT))
    page = extended.page(indexes)
    assert page == rendered_alone(extended, indexes)
    records = orjson.loads(page)
    assert sum(r["reviewedAt"] is not None for r in records) > COUNT // 4
    assert [{k: v for k, v in r.items() if k != "reviewedAt"} for r in records] == [shipped(i) for i in indexes]


def _context(api: ApiId, monkeypatch: pytest.MonkeyPatch, *fields: tuple[fld.Field, ...]) -> Any:
    """The native writer's context of ``api``'s table (or of ``fields``) on a dataset of ``api``."""
    module, made = MODULES[api], []

    def kept(data: Dataset, fields: tuple[fld.Field, ...], order: tuple[str, ...] = ()) -> Records:
        made.append(Table(data, fields, order))
        return records(data, fields, order)

    monkeypatch.setattr(module, "records", kept)
    module.generate(5, 100, ANCHORS[0], *fields)
    return _pages.context(*context_args(made[0]))


@pytest.mark.parametrize("api", API_IDS)
def test_a_shipped_table_s_batches_are_made_by_its_kernel_generated_at_build_time(
    api: ApiId, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _pages.kernel(_context(api, monkeypatch)) == api


@pytest.mark.parametrize("api", API_IDS)
def test_a_table_with_one_more_field_is_made_by_the_interpreter(api: ApiId, monkeypatch: pytest.MonkeyPatch) -> None:
    """No kernel is of its shape: the writer's interpreter makes it (the test above shows it writes the same bytes
    as the Python renderer), as it would for a field added to a table after the package was built."""
    fields = (*MODULES[api].FIELDS, fld.integer("more", fld.Draw(1, 9)))
    assert _pages.kernel(_context(api, monkeypatch, fields)) is None


@pytest.mark.parametrize("api", API_IDS)
def test_indexes_as_a_list_or_an_array_of_either_width_give_the_same_page(api: ApiId) -> None:
    render = _records(api, 2, ANCHORS[0])
    assert render.page is not None
    indexes = random.Random(3).sample(range(COUNT), 40)
    expected = rendered_alone(render, indexes)
    assert render.page(np.array(indexes, dtype=np.int32)) == expected
    assert render.page(np.array(indexes, dtype=np.int64)) == expected
    assert render.page(np.array([], dtype=np.int32)) == render.page([]) == b"[]"


@pytest.mark.parametrize("api", API_IDS)
@pytest.mark.parametrize(
    "indexes", [np.zeros((2, 2), dtype=np.int64), np.zeros(3, dtype=np.float64), np.zeros(3, dtype=np.int16)]
)
def test_an_array_of_other_indexes_is_refused(api: ApiId, indexes: npt.NDArray[Any]) -> None:
    render = _records(api, 2, ANCHORS[0])
    assert render.page is not None
    with pytest.raises(TypeError, match="a 1-D array of int32 or int64 expected"):
        render.page(indexes)


class _Index(int):
    """An int subclass still reads as its value; an object that is not an int is refused without being asked."""


def test_indexes_that_are_not_ints_are_refused() -> None:
    render = _records(ApiId("events"), 0, ANCHORS[0])
    assert render.page is not None
    assert render.page([_Index(3)]) == render.page([3])
    with pytest.raises(TypeError, match="an int expected"):
        render.page([np.int64(3)])  # type: ignore[list-item]


def test_an_if_takes_the_chosen_branch_s_presence_too() -> None:
    """``If``: where the condition holds, the value and its presence are the then-branch's (a 0 chosen over an absent
    other stays 0: the writer once read the chosen value as the condition of the presence; found by the fuzz)."""
    fields = (
        fld.integer("absent", fld.Index(), when=fld.Chance(0.0)),
        fld.integer("n", fld.If(fld.Index().present(), fld.Index(), fld.Ref("absent"))),
    )
    table = Table(_data(c=np.zeros(2, dtype=np.int64)), fields, ())
    expected = orjson.dumps([python_renderer(table)(i) for i in (0, 1)])
    assert expected == b'[{"absent":null,"n":0},{"absent":null,"n":1}]'
    assert _pages.page(_pages.context(*context_args(table)), [0, 1]) == expected
