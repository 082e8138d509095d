"""A record's fields, each declared once: typed descriptors read by both renderers.

A table is a tuple of ``Field``s in the order they are made: each has a name (also its stream's key: see
``draws``), a value (an expression), an optional presence rule (``when``; absent: ``null``) and a writer (how the
value is written: an integer, a boolean, an instant, a pick from a text pool, a UUID, one of a few constants, a
130-bit id). ``core/render.py`` evaluates a table in Python (the reference) and compiles it into the instructions of
the native writer (``core/_pages.c``), which knows these node kinds and nothing of any API: a field or an API added
here changes no C.

Values are integers (instants in µs, a field's own 64 bits, a column's value) or absent. The rules every node
follows, in both renderers:

- an operation on an absent value is absent (``Max`` counts an absent term as 0; a comparison with an absent side,
  and ``Truthy`` of it, is false);
- every result is a signed 64-bit integer: one outside that range makes the record an ``OverflowError``;
- a field's ``when`` is evaluated first, its value only when ``when`` holds; conditions are evaluated whole (no
  short-circuit: a branch not taken still counts for overflow).

Each field draws from its own stream, so a field added anywhere changes no other: ``Draw``, ``Chance`` and
``Bits`` read the 64 bits of the field they are declared in (``Draw`` the low 32, ``Chance`` the high 32, a text
pick the low 10), and ``Ref`` reads a field made before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Add",
    "Anchor",
    "AsBoolean",
    "AsChoice",
    "AsId130",
    "AsInstant",
    "AsInteger",
    "AsText",
    "AsUuid",
    "Bits",
    "Both",
    "Chance",
    "Column",
    "Cond",
    "Const",
    "Draw",
    "Either",
    "Equal",
    "Expr",
    "Field",
    "If",
    "Index",
    "Less",
    "Max",
    "Not",
    "Present",
    "Ref",
    "Scale",
    "Test",
    "Truthy",
    "Writer",
    "boolean",
    "choice",
    "id130",
    "instant",
    "integer",
    "made_before",
    "text",
    "uuid4",
]


def _lift(value: Expr | int) -> Expr:
    return Const(value) if isinstance(value, int) else value


class Expr:
    """A value: ``a + b``, ``a - b`` and ``a * k`` (``k`` an int) build the nodes below."""

    def __add__(self, other: Expr | int) -> Expr:
        return Add(self, _lift(other))

    def __sub__(self, other: Expr | int) -> Expr:
        return Add(self, Scale(_lift(other), -1))

    def __mul__(self, factor: int) -> Expr:
        return Scale(self, factor)

    def below(self, other: Expr | int) -> Cond:
        return Less(self, _lift(other))

    def equals(self, other: Expr | int) -> Cond:
        return Equal(self, _lift(other))

    def present(self) -> Cond:
        return Present(self)

    def absent(self) -> Cond:
        return Not(Present(self))


class Cond:
    """A condition: ``a & b``, ``a | b`` and ``~a`` build the nodes below."""

    def __and__(self, other: Cond) -> Cond:
        return Both(self, other)

    def __or__(self, other: Cond) -> Cond:
        return Either(self, other)

    def __invert__(self) -> Cond:
        return Not(self)


# --- Values --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Index(Expr):
    """The record's index, plus ``plus`` (records numbered from 1: ``Index(1)``)."""

    plus: int = 0


@dataclass(frozen=True, eq=False)
class Column(Expr):
    """The dataset's column ``name`` at the record (a column of signed integers; uint64 ones are read as int64)."""

    name: str


@dataclass(frozen=True, eq=False)
class Const(Expr):
    value: int


@dataclass(frozen=True, eq=False)
class Anchor(Expr):
    """The dataset's anchor instant (µs): "now" for the generated data."""


@dataclass(frozen=True, eq=False)
class Bits(Expr):
    """The field's own 64 bits, as a signed integer."""


@dataclass(frozen=True, eq=False)
class Draw(Expr):
    """An integer uniform in ``[low, high]``, both included (``draws.integer``: the low 32 bits, by multiply-high)."""

    low: int
    high: int

    def __post_init__(self) -> None:
        if not 1 <= self.high - self.low + 1 <= 2**32:
            raise ValueError(f"Draw({self.low}, {self.high}): from 1 to 2**32 values")


@dataclass(frozen=True, eq=False)
class Ref(Expr):
    """The value of the field ``name``, made before this one (before it is written: an instant is still µs)."""

    name: str


@dataclass(frozen=True, eq=False)
class Add(Expr):
    left: Expr
    right: Expr


@dataclass(frozen=True, eq=False)
class Scale(Expr):
    term: Expr
    factor: int


@dataclass(frozen=True, eq=False)
class Max(Expr):
    """The largest of ``terms``, an absent one counting as 0 (Python's ``max(a or 0, b or 0, ...)``)."""

    terms: tuple[Expr, ...]


@dataclass(frozen=True, eq=False)
class If(Expr):
    cond: Cond
    then: Expr
    other: Expr


@dataclass(frozen=True, eq=False)
class Test(Expr):
    """1 where ``cond`` holds, else 0."""

    cond: Cond


# --- Conditions ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Chance(Cond):
    """True with probability ``p`` (to 2**-32), from the high 32 bits of the field's own stream (``draws.chance``)."""

    p: float

    @property
    def threshold(self) -> int:
        """The integer the high 32 bits are compared with: ``h < p * 2**32`` holds exactly when ``h < threshold``."""
        return min(max(math.ceil(self.p * 4294967296.0), 0), 2**32)


@dataclass(frozen=True, eq=False)
class Present(Cond):
    value: Expr


@dataclass(frozen=True, eq=False)
class Truthy(Cond):
    """The value is there and not 0 (a boolean field that is true)."""

    value: Expr


@dataclass(frozen=True, eq=False)
class Less(Cond):
    left: Expr
    right: Expr


@dataclass(frozen=True, eq=False)
class Equal(Cond):
    left: Expr
    right: Expr


@dataclass(frozen=True, eq=False)
class Not(Cond):
    cond: Cond


@dataclass(frozen=True, eq=False)
class Both(Cond):
    left: Cond
    right: Cond


@dataclass(frozen=True, eq=False)
class Either(Cond):
    left: Cond
    right: Cond


# --- Writers: how a present value is written (an absent one is null) -------------------------------------------------


@dataclass(frozen=True)
class AsInteger:
    pass


@dataclass(frozen=True)
class AsBoolean:
    pass


@dataclass(frozen=True)
class AsInstant:
    """RFC 3339 with milliseconds, at ``offset_minutes`` from UTC (``instants.format_instant``)."""

    offset_minutes: int = 0

    def __post_init__(self) -> None:
        if not -24 * 60 < self.offset_minutes < 24 * 60:
            raise ValueError(f"offset_minutes: {self.offset_minutes} is not within a day")


@dataclass(frozen=True)
class AsText:
    """The string of pool ``pool`` that the value's low 10 bits pick."""

    pool: str


@dataclass(frozen=True)
class AsUuid:
    """``prefix + uuid + suffix``: a version-4 UUID of the value's 64 bits and the next 64 of its stream."""

    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class AsChoice:
    """``choices[value]``: a value outside the choices makes the record a ``ValueError``."""

    choices: tuple[Any, ...]


@dataclass(frozen=True)
class AsId130:
    """26 base32hex characters (``[0-9a-v]``) of the 130-bit number (high << 66) | (low << 2) | (high & 3), high the
    value's 64 bits and low ``low``'s: string order is numeric order."""

    low: Expr


Writer = AsInteger | AsBoolean | AsInstant | AsText | AsUuid | AsChoice | AsId130


@dataclass(frozen=True, eq=False)
class Field:
    """One field of a record: its value where ``when`` holds (always, without one), written by ``write``."""

    name: str
    value: Expr
    write: Writer = field(default_factory=AsInteger)
    when: Cond | None = None


# --- The kinds of field, by what they write --------------------------------------------------------------------------


def integer(name: str, value: Expr, when: Cond | None = None) -> Field:
    return Field(name, value, AsInteger(), when)


def boolean(name: str, cond: Cond) -> Field:
    return Field(name, Test(cond), AsBoolean())


def instant(name: str, value: Expr, when: Cond | None = None, offset_minutes: int = 0) -> Field:
    return Field(name, value, AsInstant(offset_minutes), when)


def text(name: str, pool: str, when: Cond | None = None) -> Field:
    return Field(name, Bits(), AsText(pool), when)


def uuid4(name: str, prefix: str = "", suffix: str = "", when: Cond | None = None) -> Field:
    return Field(name, Bits(), AsUuid(prefix, suffix), when)


def choice(name: str, choices: tuple[Any, ...], index: Expr, when: Cond | None = None) -> Field:
    return Field(name, index, AsChoice(choices), when)


def id130(name: str, high: Expr, low: Expr) -> Field:
    return Field(name, high, AsId130(low))


def made_before(fields: tuple[Field, ...], current: int, name: str) -> int:
    """The place of field ``name``, which field ``current`` reads: one made before it (else a ValueError)."""
    for at, f in enumerate(fields[:current]):
        if f.name == name:
            return at
    raise ValueError(f"field {fields[current].name!r} reads {name!r}, which is not made before it")
