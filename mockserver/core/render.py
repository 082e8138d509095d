"""A table of fields (``core/fields.py``) rendered: one record at a time in Python (the reference), and many at once
by the native writer (``core/_pages.c``) when it is built, from the same table compiled into its instructions.

``records(dataset, fields, order)`` gives both: ``Records(render, page)``, where ``render(i)`` is record ``i`` as a
dict and ``page(indexes)`` the JSON array of those records, byte for byte ``orjson.dumps`` of each dict (the tests
hold them equal on every table, the shipped ones and tables made up for the tests). Field ``f`` of record ``i`` is
made from ``Hasher.stream(f.name, i)``.
"""

from __future__ import annotations

import base64
import functools
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mockserver.core import fields as fld
from mockserver.core import native
from mockserver.core.draws import Hasher, Records, TextPools, lanes
from mockserver.core.instants import MINUTE_US, format_instant
from mockserver.core.splitmix import MASK, mix64

__all__ = ["Dataset", "Table", "python_renderer", "records", "value_of"]

NATIVE = native.built("mockserver.core._pages")

_LOW32 = 2**32 - 1
_INT64 = (-(2**63), 2**63 - 1)

Value = int | None
Values = list[Value]
Fn = Callable[[int, int, Values], Value]  # (record index, the field's bits, the fields made so far) -> a value


@dataclass(frozen=True)
class Dataset:
    """What a table's fields read: the hasher (the streams), the columns by name, the anchor (µs) and the text pools.

    Columns are 1-D arrays of signed integers (uint64 ones are read as int64: pass ``column.view(np.int64)``)."""

    hasher: Hasher
    columns: Mapping[str, npt.NDArray[np.signedinteger[Any]]]
    anchor: int
    text: TextPools

    def __post_init__(self) -> None:
        lengths = {len(column) for column in self.columns.values()}
        if len(lengths) != 1:
            raise ValueError(f"a dataset's columns: one or more, all of one length (found lengths {sorted(lengths)})")

    @property
    def count(self) -> int:
        """The records: the length of every column."""
        return len(next(iter(self.columns.values())))


def _fit(value: int) -> int:
    if not _INT64[0] <= value <= _INT64[1]:
        raise OverflowError(f"{value} is outside 64-bit integers")
    return value


def _signed(bits: int) -> int:
    return bits - 2**64 if bits >> 63 else bits


class Table:
    """A table checked against a dataset: each field's place, each name a ``Ref`` or ``Column`` reads."""

    def __init__(self, data: Dataset, fields: Sequence[fld.Field], order: Sequence[str]) -> None:
        names = [f.name for f in fields]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"fields named twice would share a stream and a key: {twice}")
        self.data, self.fields = data, tuple(fields)
        self.place = {name: k for k, name in enumerate(names)}
        asked = set(order)
        self.written = [name for name in order if name in self.place] + [n for n in names if n not in asked]
        self.keys = [int(data.hasher.key(name)) for name in names]
        if len(set(self.keys)) != len(self.keys):  # two names whose 64-bit keys collide would draw the same values
            raise ValueError(f"two field names share a stream key: {names}")
        self.current = 0  # the field being compiled: a ``Ref`` reads only fields before it

    @property
    def anchor(self) -> int:
        return self.data.anchor

    def ref(self, name: str) -> int:
        return fld.made_before(self.fields, self.current, name)

    def column(self, name: str) -> npt.NDArray[np.signedinteger[Any]]:
        try:
            column = self.data.columns[name]
        except KeyError:
            raise ValueError(
                f"field {self.fields[self.current].name!r} reads a column {name!r} the dataset has not"
            ) from None
        if column.dtype.kind != "i":
            raise ValueError(f"column {name!r}: signed integers expected, not {column.dtype}")
        return column


# --- In Python: each node as a closure --------------------------------------------------------------------------------


def _expr(node: fld.Expr, t: Table) -> Fn:  # noqa: PLR0912  (one case per node kind)
    match node:
        case fld.Index(plus=plus):
            return lambda i, b, v: _fit(i + plus)
        case fld.Column(name=name):
            column = t.column(name)
            return lambda i, b, v: int(column[i])
        case fld.Const(value=value):
            _fit(value)
            return lambda i, b, v: value
        case fld.Anchor():
            anchor = _fit(t.data.anchor)
            return lambda i, b, v: anchor
        case fld.Bits():
            return lambda i, b, v: _signed(b)
        case fld.Draw(low=low, high=high):
            span = high - low + 1
            _fit(high)
            return lambda i, b, v: ((b & _LOW32) * span >> 32) + low
        case fld.Ref(name=name):
            at = t.ref(name)
            return lambda i, b, v: v[at]
        case fld.Add(left=left, right=right):
            x, y = _expr(left, t), _expr(right, t)

            def add(i: int, b: int, v: Values) -> Value:
                p, q = x(i, b, v), y(i, b, v)
                return None if p is None or q is None else _fit(p + q)

            return add
        case fld.Scale(term=term, factor=factor):
            x = _expr(term, t)
            _fit(factor)

            def scale(i: int, b: int, v: Values) -> Value:
                p = x(i, b, v)
                return None if p is None else _fit(p * factor)

            return scale
        case fld.Max(terms=terms):
            xs = [_expr(term, t) for term in terms]
            if not xs:
                raise ValueError("Max of no terms")
            return lambda i, b, v: max((x(i, b, v) or 0) for x in xs)
        case fld.If(cond=cond, then=then, other=other):
            c, x, y = _cond(cond, t), _expr(then, t), _expr(other, t)

            def choose(i: int, b: int, v: Values) -> Value:
                held, p, q = c(i, b, v), x(i, b, v), y(i, b, v)  # both branches, as the native writer does
                return p if held else q

            return choose
        case fld.Test(cond=cond):
            c = _cond(cond, t)
            return lambda i, b, v: int(c(i, b, v))
    raise TypeError(f"not a value: {node!r}")


Test = Callable[[int, int, Values], bool]


def _cond(node: fld.Cond, t: Table) -> Test:
    match node:
        case fld.Chance():
            threshold = node.threshold
            return lambda i, b, v: (b >> 32) < threshold
        case fld.Present(value=value):
            x = _expr(value, t)
            return lambda i, b, v: x(i, b, v) is not None
        case fld.Truthy(value=value):
            x = _expr(value, t)
            return lambda i, b, v: bool(x(i, b, v))
        case fld.Less(left=left, right=right) | fld.Equal(left=left, right=right):
            x, y, less = _expr(left, t), _expr(right, t), isinstance(node, fld.Less)

            def compare(i: int, b: int, v: Values) -> bool:
                p, q = x(i, b, v), y(i, b, v)
                return p is not None and q is not None and (p < q if less else p == q)

            return compare
        case fld.Not(cond=cond):
            c = _cond(cond, t)
            return lambda i, b, v: not c(i, b, v)
        case fld.Both(left=left, right=right):
            p, q = _cond(left, t), _cond(right, t)
            return lambda i, b, v: bool(p(i, b, v) & q(i, b, v))  # both sides, as the native writer does
        case fld.Either(left=left, right=right):
            p, q = _cond(left, t), _cond(right, t)
            return lambda i, b, v: bool(p(i, b, v) | q(i, b, v))
    raise TypeError(f"not a condition: {node!r}")


Write = Callable[[int, int, int, int], Any]  # (value, record index, the field's bits, second value) -> JSON value


def _writer(write: fld.Writer, t: Table) -> Write:
    match write:
        case fld.AsInteger():
            return lambda value, i, b, v: value
        case fld.AsBoolean():
            return lambda value, i, b, v: value != 0
        case fld.AsInstant(offset_minutes=offset):

            def written_instant(value: int, i: int, b: int, second: int) -> str:
                _fit(value + offset * MINUTE_US)  # the local time, as the native writer computes it
                return format_instant(value, offset)

            return written_instant
        case fld.AsText(pool=pool):
            t.data.text.pool(pool)  # a pool the dataset has not: a KeyError now, not at the first record
            return lambda value, i, b, v: t.data.text.pick(pool, value)
        case fld.AsUuid(prefix=prefix, suffix=suffix):

            def written_uuid(value: int, i: int, b: int, second: int) -> str:
                bits = value & MASK
                return f"{prefix}{uuid.UUID(int=(bits << 64) | mix64(bits), version=4)}{suffix}"

            return written_uuid
        case fld.AsChoice(choices=choices):

            def chosen(value: int, i: int, b: int, second: int) -> Any:
                if not 0 <= value < len(choices):
                    raise ValueError(f"{value} is not one of the {len(choices)} choices")
                return choices[value]

            return chosen
        case fld.AsId130():
            return lambda value, i, b, second: id130_text(value & MASK, second & MASK)
    raise TypeError(f"not a writer: {write!r}")


def id130_text(high: int, low: int) -> str:
    """26 base32hex characters (``[0-9a-v]``) of (high << 66) | (low << 2) | (high & 3); string order is numeric."""
    number = (high << 66) | (low << 2) | (high & 3)
    # 130 bits, padded with 30 zero bits to 20 bytes: the first 26 base32hex characters are the number's.
    return base64.b32hexencode((number << 30).to_bytes(20, "big"))[:26].decode().lower()


def _second(f: fld.Field, t: Table) -> Fn | None:
    """The second value a writer reads (a 130-bit id's low half), made with the field's value."""
    return _expr(f.write.low, t) if isinstance(f.write, fld.AsId130) else None


def python_renderer(t: Table) -> Callable[[int], dict[str, Any]]:
    """Record ``index`` as a dict: the fields made in table order (their whens, values and second values), then
    written in the written order; an absent value (or second value) is None."""
    steps: list[tuple[Test | None, Fn, Fn | None]] = []
    for k, f in enumerate(t.fields):
        t.current = k
        steps.append((None if f.when is None else _cond(f.when, t), _expr(f.value, t), _second(f, t)))
    writes = []
    for name in t.written:
        t.current = k = t.place[name]
        writes.append((name, k, _writer(t.fields[k].write, t), isinstance(t.fields[k].write, fld.AsId130)))
    record_seed = t.data.hasher.record_seed
    streams = lanes(t.keys)

    def render(index: int) -> dict[str, Any]:
        bits = streams(record_seed(index))
        values: Values = []
        seconds: Values = []
        for (when, make, also), b in zip(steps, bits, strict=True):
            here = when is None or when(index, b, values)
            values.append(make(index, b, values) if here else None)
            seconds.append(also(index, b, values) if here and also is not None else None)
        record: dict[str, Any] = {}
        for name, k, write, paired in writes:
            value, second = values[k], seconds[k]
            if value is None or (paired and second is None):
                record[name] = None
            else:
                record[name] = write(value, index, bits[k], second or 0)
        return record

    return render


@functools.cache
def _bare() -> Table:
    hasher = Hasher(0, "")
    return Table(Dataset(hasher, {"": np.zeros(1, dtype=np.int64)}, 0, TextPools("en_US", hasher, {})), (), ())


def value_of(node: fld.Expr | fld.Cond, bits: int) -> Value | bool:
    """What ``node`` is for a field whose 64 bits are ``bits`` (a node of constants and draws: no field or column)."""
    table = _bare()
    if isinstance(node, fld.Cond):
        return _cond(node, table)(0, bits & MASK, [])
    return _expr(node, table)(0, bits & MASK, [])


def records(data: Dataset, fields: Sequence[fld.Field], order: Sequence[str] = ()) -> Records:
    """The records of ``fields`` on ``data``, written in ``order`` (then any field it leaves out): one at a time in
    Python, and by pages in native code where it is built."""
    table = Table(data, fields, order)
    render = python_renderer(table)
    if not NATIVE:
        return Records(render)
    from mockserver.core.program import page_renderer  # noqa: PLC0415  (it imports the native module: built here)

    return Records(render, page_renderer(table))
