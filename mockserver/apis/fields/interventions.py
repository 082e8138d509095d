"""The interventions API's record fields (pure: the build generates their native kernel from them,
``core/kernels.py``)."""

from __future__ import annotations

from mockserver.core.fields import (
    Anchor,
    Chance,
    Column,
    Const,
    Draw,
    Field,
    If,
    Index,
    Max,
    Ref,
    Truthy,
    boolean,
    choice,
    instant,
    integer,
    text,
    uuid4,
)
from mockserver.core.units import DAY_US, MINUTE_US

__all__ = ["FIELDS"]

_start, _end = Ref("scheduledStart"), Ref("scheduledEnd")
_begun, _ended, _verified = Ref("actualStart"), Ref("actualEnd"), Ref("verifiedAt")

# The record's fields in the order they are made (a field reads the fields made before it: instants in µs, written
# once every field is made), each declared once: its value, when it is there (else null) and how it is written. The
# written order is the spec's. Each field that draws reads its own stream, so a field added here changes no other.
FIELDS: tuple[Field, ...] = (
    integer("id", Index(1)),
    instant("scheduledStart", Column("scheduledStart")),
    instant("scheduledEnd", Column("scheduledEnd")),
    # Begun, when scheduled before the anchor, 92% of the time: 30 min early to 60 min late.
    instant("actualStart", _start + Draw(-30, 60) * MINUTE_US, when=_start.below(Anchor()) & Chance(0.92)),
    # Ended, when begun and scheduled to end before the anchor: the scheduled length, 60 min shorter to 90 longer.
    instant(
        "actualEnd",
        _begun + Max((_end - _start + Draw(-60, 90) * MINUTE_US, Const(0))),
        when=_begun.present() & _end.below(Anchor()),
    ),
    # 4 cancelled (6% of those never begun), 3 ended, 2 begun, 1 planned.
    integer(
        "status", If(_begun.absent(), If(Chance(0.06), Const(4), Const(1)), If(_ended.present(), Const(3), Const(2)))
    ),
    integer("type", Draw(1, 5)),
    text("description", "description"),
    # For ended interventions: a version-4 UUID from the field's 64 bits and the next 64 of its own stream.
    uuid4("imgSignature", prefix="signatures/", suffix=".png", when=_ended.present()),
    integer("codePin", Draw(100000, 999999)),
    boolean("autoCreated", Chance(0.3)),
    integer("creationStatus", Draw(1, 3)),
    text("providerName", "company"),
    text("providerEmail", "email"),
    text("providerActionComment", "comment", when=_begun.present() & Chance(0.5)),
    text("providerGeneralComment", "comment", when=Chance(0.3)),
    integer("assignedCompanyContactId", Draw(1, 500), when=Chance(0.7)),
    integer("assignedUserId", Draw(1, 200), when=Chance(0.8)),
    # 60% of ended interventions, 1 h to 3 days after their end.
    instant("verifiedAt", _ended + Draw(60, 3 * 1440) * MINUTE_US, when=_ended.present() & Chance(0.6)),
    integer("verifiedByUserId", Draw(1, 200), when=_verified.present()),
    text("decisionComment", "comment", when=Ref("status").equals(4) | Chance(0.1)),
    integer("attendeeCount", Draw(1, 60)),
    integer("routineId", Draw(1, 80), when=Chance(0.4)),
    integer("organizationId", Draw(1, 12)),
    integer("createdByUserId", Draw(1, 200), when=~Truthy(Ref("autoCreated"))),
    # 30% of verified interventions, 1 to 30 days after verification.
    instant("archivedAt", _verified + Draw(1, 30) * DAY_US, when=_verified.present() & Chance(0.3)),
    instant("createdAt", _start - Draw(1, 60 * 1440) * MINUTE_US),
    # Up to 3 days after creation, and never before verification or archiving.
    instant("updatedAt", Max((Ref("createdAt") + Draw(0, 3 * 1440) * MINUTE_US, _verified, Ref("archivedAt")))),
    choice("eventType", (101, 123, 130, 205, 310), Draw(0, 4)),
)
