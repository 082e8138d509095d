"""A table of fields compiled into the native writer's program (``core/_pages.c``), and its page renderer.

``core/sequences.py`` compiles each field's sequences into operations by name; here each name becomes its code (read
from ``_pages.OPS``, so the codes are declared once, in C) and each field's writer one of ``_pages.WRITERS``, with
the texts and pools they write. The C verifies the program when the context is made.
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
from mockserver.core.sequences import Compiler
from mockserver.core.splitmix import MASK

__all__ = ["context_args", "page_renderer"]

OP = {name: code for code, name in enumerate(_pages.OPS)}
WRITER = {name: code for code, name in enumerate(_pages.WRITERS)}


class _Program(Compiler):
    """The code, texts, columns and pools of one table, as the native writer's context takes them."""

    def __init__(self, table: Table) -> None:
        super().__init__(table)
        self.table = table
        self.texts: list[bytes] = []
        self.pools: dict[str, int] = {}

    def text(self, *texts: bytes) -> int:
        """Where ``texts`` start in the texts, added one after the other."""
        self.texts.extend(texts)
        return len(self.texts) - len(texts)

    def codes(self) -> list[int]:
        """The code as the writer takes it: each operation's name replaced by its code."""
        return [OP[x] if isinstance(x, str) else x for x in self.code]

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
        program.codes(),
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
