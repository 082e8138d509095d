"""A table of fields compiled into the native writer's program (``core/_pages.c``), and its page renderer.

Each node kind of ``core/fields.py`` is one operation of the writer's stack machine, named as in ``_pages.OPS`` (the
codes are read from there, so they are declared once, in C); each writer one of ``_pages.WRITERS``. A field compiles
to up to three sequences (its presence rule, its value, a 130-bit id's second value), each ending with ``end``; the
C verifies the program when the context is made. Only this module knows the encoding.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from mockserver.core import _pages
from mockserver.core import fields as fld
from mockserver.core.draws import PageRenderer
from mockserver.core.render import Table
from mockserver.core.splitmix import MASK

__all__ = ["context_args", "page_renderer"]

OP = {name: code for code, name in enumerate(_pages.OPS)}
WRITER = {name: code for code, name in enumerate(_pages.WRITERS)}


def _scaled_draw(node: fld.Expr) -> bool:
    """Whether ``node`` is a ``Draw``, scaled or scaled twice, that one fused operation computes: ``(d * a) * b`` is
    ``d * (a * b)``, overflow included, where ``b`` is not 0 and ``a * b`` fits in int64 (then ``d * a`` leaving int64
    means ``d * a * b`` does too)."""
    match node:
        case fld.Draw() | fld.Scale(term=fld.Draw()):
            return True
        case fld.Scale(term=fld.Scale(term=fld.Draw(), factor=a), factor=b):
            return b != 0 and -(2**63) <= a * b < 2**63
    return False


class _Program:
    """The code, texts, columns and pools of one table, as the native writer's context takes them."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.code: list[int] = []
        self.texts: list[bytes] = []
        self.columns: dict[str, int] = {}
        self.pools: dict[str, int] = {}

    def text(self, *texts: bytes) -> int:
        """Where ``texts`` start in the texts, added one after the other."""
        self.texts.extend(texts)
        return len(self.texts) - len(texts)

    def emit(self, op: str, *operands: int) -> None:
        self.code.extend((OP[op], *operands))

    @staticmethod
    def draw_scaled(node: fld.Expr) -> tuple[int, int, int]:
        """A ``Draw``, scaled up to twice: its low end, span and factor (the operands of the fused operations).

        ``(d * a) * b`` is ``d * (a * b)``, overflow included, where ``_scaled_draw`` allows it."""
        factor = 1
        while isinstance(node, fld.Scale):
            factor, node = factor * node.factor, node.term
        assert isinstance(node, fld.Draw)
        return node.low, node.high - node.low + 1, factor

    def sequence(self, node: fld.Expr | fld.Cond) -> int:
        start = len(self.code)
        if isinstance(node, fld.Cond):
            self.cond(node)
        else:
            self.expr(node)
        self.emit("end")
        return start

    def expr(self, node: fld.Expr) -> None:  # noqa: PLR0912  (one case per node kind)
        match node:
            case fld.Index(plus=plus):
                self.emit("index", plus)
            case fld.Column(name=name):
                self.table.column(name)  # (it exists and is signed)
                self.emit("column", self.columns.setdefault(name, len(self.columns)))
            case fld.Const(value=value):
                self.emit("const", value)
            case fld.Anchor():
                self.emit("const", self.table.data.anchor)
            case fld.Bits():
                self.emit("bits")
            case fld.Draw(low=low, high=high):
                self.emit("draw", low, high - low + 1)
            case fld.Ref(name=name):
                self.emit("ref", self.table.ref(name))
            case fld.Add(left=left, right=right) if _scaled_draw(right):
                self.expr(left)
                self.emit("add_draw_scaled", *self.draw_scaled(right))
            case fld.Add(left=left, right=right):
                self.expr(left)
                self.expr(right)
                self.emit("add")
            case fld.Scale() if _scaled_draw(node):
                self.emit("draw_scaled", *self.draw_scaled(node))
            case fld.Scale(term=term, factor=factor):
                self.expr(term)
                self.emit("scale", factor)
            case fld.Max(terms=terms):
                for term in terms:
                    self.expr(term)
                self.emit("max", len(terms))
            case fld.If(cond=cond, then=then, other=other):
                self.cond(cond)
                self.expr(then)
                self.expr(other)
                self.emit("if")
            case fld.Test(cond=cond):
                self.cond(cond)  # a condition's value is 1 or 0
            case _:
                raise TypeError(f"not a value: {node!r}")

    def cond(self, node: fld.Cond) -> None:
        match node:
            case fld.Chance():
                self.emit("chance", node.threshold)
            case fld.Present(value=fld.Ref(name=name)):
                self.emit("ref_present", self.table.ref(name))
            case fld.Present(value=value) | fld.Truthy(value=value):
                self.expr(value)
                self.emit("present" if isinstance(node, fld.Present) else "truthy")
            case fld.Less(left=left, right=fld.Const(value=value)) | fld.Equal(left=left, right=fld.Const(value=value)):
                self.expr(left)
                self.emit("less_const" if isinstance(node, fld.Less) else "equal_const", value)
            case fld.Less(left=left, right=fld.Anchor()):
                self.expr(left)
                self.emit("less_const", self.table.data.anchor)
            case fld.Less(left=left, right=right) | fld.Equal(left=left, right=right):
                self.expr(left)
                self.expr(right)
                self.emit("less" if isinstance(node, fld.Less) else "equal")
            case fld.Not(cond=cond):
                self.cond(cond)
                self.emit("not")
            case (
                fld.Both(left=left, right=fld.Chance() as chance) | fld.Either(left=left, right=fld.Chance() as chance)
            ):
                self.cond(left)
                self.emit("and_chance" if isinstance(node, fld.Both) else "or_chance", chance.threshold)
            case fld.Both(left=left, right=right) | fld.Either(left=left, right=right):
                self.cond(left)
                self.cond(right)
                self.emit("and" if isinstance(node, fld.Both) else "or")
            case _:
                raise TypeError(f"not a condition: {node!r}")

    def fields(self) -> list[int]:
        """Where each field's presence rule, value and second value start (-1: none), three per field."""
        starts: list[int] = []
        for k, f in enumerate(self.table.fields):
            self.table.current = k
            when = -1 if f.when is None else self.sequence(f.when)
            value = self.sequence(f.value)
            second = self.sequence(f.write.low) if isinstance(f.write, fld.AsId130) else -1
            starts += (when, value, second)
        return starts

    def writes(self) -> list[int]:
        """Five numbers per written field: the field, its writer, its key's text and the writer's two arguments."""
        out: list[int] = []
        for name in self.table.written:
            k = self.table.place[name]
            key = self.text(orjson.dumps(name) + b":")
            kind, a, b = self.writer(self.table.fields[k].write)
            out += (k, WRITER[kind], key, a, b)
        return out

    def writer(self, write: fld.Writer) -> tuple[str, int, int]:
        match write:
            case fld.AsInteger():
                return "integer", 0, 0
            case fld.AsBoolean():
                return "boolean", 0, 0
            case fld.AsInstant(offset_minutes=offset):
                return "instant", offset, 0
            case fld.AsText(pool=pool):
                return "text", self.pools.setdefault(pool, len(self.pools)), 0
            case fld.AsUuid(prefix=prefix, suffix=suffix):  # written between quotes: their JSON without its quotes
                return "uuid", self.text(orjson.dumps(prefix)[1:-1]), self.text(orjson.dumps(suffix)[1:-1])
            case fld.AsChoice(choices=choices):
                return "choice", self.text(*(orjson.dumps(c) for c in choices)), len(choices)
            case fld.AsId130():
                return "id130", 0, 0
        raise TypeError(f"not a writer: {write!r}")


def _compiled(table: Table) -> tuple[_Program, list[int], list[int]]:
    """``table``'s program, where each field's sequences start, and its writes (a table the writer cannot run is
    refused here)."""
    program = _Program(table)
    return program, program.fields(), program.writes()


def context_args(table: Table, compiled: tuple[_Program, list[int], list[int]] | None = None) -> tuple[Any, ...]:
    """What ``_pages.context`` takes for ``table`` (compiled now unless given; the text pools written here: a pool
    is written on first use)."""
    program, starts, writes = compiled or _compiled(table)
    data = table.data
    columns = tuple(data.columns[name] for name in program.columns)
    pools = tuple(data.text.written(name) for name in program.pools)
    record_key = int(data.hasher.key("record"))
    texts = tuple(program.texts)
    return (
        data.count,
        columns,
        record_key,
        data.hasher.seed & MASK,
        table.keys,
        program.code,
        starts,
        writes,
        pools,
        texts,
    )


def page_renderer(table: Table) -> PageRenderer:
    """The native page renderer of ``table``: compiled now (a table the writer cannot run is refused now, not at
    the first page), its context made on the first page (which writes the text pools, as the Python renderer does
    on its first record)."""
    compiled = _compiled(table)

    @functools.cache
    def context() -> _pages.Context:
        return _pages.context(*context_args(table, compiled))

    def page(indexes: Sequence[int] | npt.NDArray[np.signedinteger[Any]]) -> bytes:
        return _pages.page(context(), indexes)

    return page
