"""A table's fields compiled into the operations of the native writer's stack machine (``core/_pages.c``), by name.

Each node kind of ``core/fields.py`` is one operation, named as in ``_pages.OPS`` (``core/program.py`` turns the names
into their codes and adds the writers; ``core/kernels.py`` turns a shipped table's operations into straight-line C
at build time). A field compiles to up to three sequences (its presence rule, its value, a 130-bit id's second
value), each ending with ``end``. Pure Python, no dataset needed: the build runs it where only the standard library is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mockserver.core import fields as fld

__all__ = ["Code", "Compiler", "Outline", "Shape"]

Code = list[str | int]  # an operation's name, then its operands (ints), and so on


class Shape(Protocol):
    """What compiling needs of a table: its fields, the one being compiled, and its names checked."""

    fields: tuple[fld.Field, ...]
    current: int

    @property
    def anchor(self) -> int: ...

    def ref(self, name: str) -> int: ...

    def column(self, name: str) -> object: ...


class Outline:
    """A table's fields without a dataset: their sequences' operations are the same for any dataset (a column is
    an operand, the anchor too: the native writer reads them at run time)."""

    anchor = 0

    def __init__(self, fields: Sequence[fld.Field]) -> None:
        self.fields, self.current = tuple(fields), 0

    def ref(self, name: str) -> int:
        return fld.made_before(self.fields, self.current, name)

    def column(self, name: str) -> object:
        return name


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


class Compiler:
    """The sequences of ``outline``'s fields: ``code`` (names and operands), and the columns read, in the order of
    their first read (a ``column`` operation's operand is its place there)."""

    def __init__(self, outline: Shape) -> None:
        self.outline = outline
        self.code: Code = []
        self.columns: dict[str, int] = {}

    def emit(self, op: str, *operands: int) -> None:
        self.code.extend((op, *operands))

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
                self.outline.column(name)  # (it exists and is signed)
                self.emit("column", self.columns.setdefault(name, len(self.columns)))
            case fld.Const(value=value):
                self.emit("const", value)
            case fld.Anchor():
                self.emit("const", self.outline.anchor)
            case fld.Bits():
                self.emit("bits")
            case fld.Draw(low=low, high=high):
                self.emit("draw", low, high - low + 1)
            case fld.Ref(name=name):
                self.emit("ref", self.outline.ref(name))
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
                self.emit("ref_present", self.outline.ref(name))
            case fld.Present(value=value) | fld.Truthy(value=value):
                self.expr(value)
                self.emit("present" if isinstance(node, fld.Present) else "truthy")
            case fld.Less(left=left, right=fld.Const(value=value)) | fld.Equal(left=left, right=fld.Const(value=value)):
                self.expr(left)
                self.emit("less_const" if isinstance(node, fld.Less) else "equal_const", value)
            case fld.Less(left=left, right=fld.Anchor()):
                self.expr(left)
                self.emit("less_const", self.outline.anchor)
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
        for k, f in enumerate(self.outline.fields):
            self.outline.current = k
            when = -1 if f.when is None else self.sequence(f.when)
            value = self.sequence(f.value)
            second = self.sequence(f.write.low) if isinstance(f.write, fld.AsId130) else -1
            starts += (when, value, second)
        return starts
