"""The events API's record fields (pure: the build generates their native kernel from them, ``core/kernels.py``)."""

from __future__ import annotations

from mockserver.core.fields import Chance, Column, Field, choice, id130, instant, text

__all__ = ["CATEGORIES", "FIELDS"]

CATEGORIES = ("學生", "教職員", "行政", "活動", "考試", "假日")
_OFFSET_MINUTES = 8 * 60  # timestamps are written at +08:00, as in the document


# The record's fields, in the order they are made, each declared once (written in the spec's order). Each field that
# draws reads its own stream, so a field added here changes no other.
FIELDS: tuple[Field, ...] = (
    id130("id", Column("id.high"), Column("id.low")),
    instant("created_at", Column("created_at"), offset_minutes=_OFFSET_MINUTES),
    instant("updated_at", Column("updated_at"), offset_minutes=_OFFSET_MINUTES),
    text("summary", "summary"),
    text("description", "description", when=Chance(0.8)),
    text("location", "location", when=Chance(0.85)),
    choice("category", CATEGORIES, Column("category")),
    instant("start", Column("start"), offset_minutes=_OFFSET_MINUTES),
    instant("end", Column("end"), offset_minutes=_OFFSET_MINUTES),
    text("link", "link", when=Chance(0.75)),
)
