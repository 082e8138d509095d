"""A table of every operation of the native writer (on the columns ``c0`` to ``c2`` and the pool ``p0`` of
``tests.support.tables.datasets``): its kernel, generated for the sanitized build, is fuzzed against the Python
renderer."""

from __future__ import annotations

from mockserver.core import fields as fld

__all__ = ["FIELDS"]

_MINUTE = 60_000_000

FIELDS: tuple[fld.Field, ...] = (
    fld.integer("i", fld.Index(2)),  # index
    fld.integer("c", fld.Column("c0") + fld.Column("c1")),  # column, add
    fld.instant("t", fld.Column("c2") + fld.Draw(-5, 5) * _MINUTE, when=fld.Chance(0.7)),  # add_draw_scaled, chance
    fld.integer("s", fld.Draw(1, 9) * 3 * 1000),  # draw_scaled (scaled twice)
    fld.integer("d", fld.Draw(-3, 3)),  # draw
    fld.integer("k", fld.Ref("c") * 7),  # ref, scale
    fld.integer("m", fld.Max((fld.Ref("i"), fld.Ref("t"), fld.Const(-4)))),  # max, const
    fld.boolean("lt", fld.Ref("c").below(fld.Ref("k"))),  # less
    fld.boolean("eq", fld.Ref("i").equals(fld.Ref("s")) | (fld.Ref("c") + 1).present()),  # equal, present, or
    fld.integer(
        "if",
        fld.If(fld.Truthy(fld.Ref("lt")) & ~fld.Ref("t").below(fld.Anchor()), fld.Bits(), fld.Const(0)),
        when=fld.Ref("t").present() & fld.Chance(0.5),  # if, truthy, not, and, less_const, ref_present, and_chance
    ),
    fld.text("x", "p0", when=fld.Ref("m").equals(0) | fld.Chance(0.3)),  # equal_const, or_chance
    fld.id130("id", fld.Column("c1"), fld.Ref("k") + fld.Draw(0, 100)),  # a second value
    fld.uuid4("u", prefix="a/", suffix='"', when=fld.Ref("if").present()),
    fld.choice("ch", ("a", 1, None), fld.Ref("i") + fld.Const(-1), when=fld.Ref("i").below(5)),
)
