"""Each shipped table's make phase as straight-line C, generated from its fields at build time (``hatch_build.py``).

The native writer (``core/_pages.c``) makes a page's records a batch at a time by running each field's sequences
(``core/sequences.py``) over the batch, an operation at a time: generic, but each operation is a loop that stores its
lanes and the next reads them back. For the tables the package ships, the build also writes a *kernel*: the same
sequences translated into C, one pass over the batch's records that computes every field in locals and stores only
each field's value. A kernel is the interpreter's semantics written out (same operations, same order, same overflow
and absence rules), and it is used only for a program of exactly its shape: when a context is made, the C compares
the program's operations, field starts and structural operands (a field read, a ``max``'s terms) with the kernel's,
after verifying the program as for the interpreter; every other operand (a constant, a draw's span, a column's
place, the anchor) is read from the program at run time. Any other table (one field more, another API) runs the
interpreter, natively all the same: a kernel is a speed-up, never a requirement.

    python -m mockserver.core.kernels OUT.h mockserver.apis.fields   (what the build runs; ``make check-native``
                                                                    adds the test tables, tests.native.kernels)
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from mockserver.core import fields as fld
from mockserver.core.sequences import Code, Compiler, Outline

__all__ = ["header"]

# Operands that give a program its shape (checked against the kernel's, and written into it as constants); every
# other operand is read from the program when the kernel runs.
STRUCTURAL = {"ref", "ref_present", "max"}


def _instructions(code: Code, start: int) -> Iterator[tuple[str, list[int]]]:
    """The instructions of the sequence at ``start``, up to its ``end``: (name, the operands' pcs)."""
    pc = start
    while True:
        name = code[pc]
        assert isinstance(name, str)
        operands: list[int] = []
        while pc + 1 + len(operands) < len(code) and not isinstance(code[pc + 1 + len(operands)], str):
            operands.append(pc + 1 + len(operands))
        yield name, operands
        if name == "end":
            return
        pc += 1 + len(operands)


class _Kernel:
    """The C of one table's kernel, written as its sequences are read."""

    def __init__(self, code: Code) -> None:
        self.code = code
        self.lines: list[str] = []
        self.operands: set[int] = set()  # the pcs of the operands read at run time
        self.gathers: list[str] = []  # the columns read, each gathered over the batch first (its operand's name)
        self.count = 0

    def operand(self, pc: int) -> str:
        self.operands.add(pc)
        return f"a{pc}"

    def value(self, v: str, ok: str) -> tuple[str, str]:
        """A new value on the stack: ``v`` and ``ok``, C expressions (``ok`` computed first; ``v`` reads it as
        ``OK``)."""
        self.count += 1
        n = self.count
        self.lines.append(f"        int s{n}ok = {ok};")
        self.lines.append(f"        int64_t s{n}v = {v.replace('OK', f's{n}ok')};")
        return f"s{n}v", f"s{n}ok"

    def run(self, start: int) -> tuple[str, str]:  # noqa: PLR0912, PLR0915  (one case per operation)
        """The sequence at ``start`` over one record: the names of its value and presence."""
        stack: list[tuple[str, str]] = []
        code = self.code
        for name, at in _instructions(code, start):
            a = [self.operand(p) if name not in STRUCTURAL else str(code[p]) for p in at]
            match name:
                case "end":
                    assert len(stack) == 1
                    return stack[0]
                case "index":
                    stack.append(self.value(f"checked(&fault, index, {a[0]}, 1)", "1"))
                case "column":  # gathered for the whole batch before the records' pass (``gathers``)
                    self.gathers.append(a[0])
                    stack.append(self.value(f"col{len(self.gathers) - 1}[r]", "1"))
                case "const":
                    stack.append(self.value(a[0], "1"))
                case "bits":
                    stack.append(self.value("(int64_t)bits", "1"))
                case "draw":
                    stack.append(self.value(f"drawn(bits, {a[0]}, {a[1]})", "1"))
                case "ref":
                    stack.append(self.value(f"f{a[0]}v", f"f{a[0]}ok"))
                case "add":
                    (av, aok), (xv, xok) = stack.pop(-2), stack.pop()
                    stack.append(self.value(f"OK ? checked(&fault, {av}, {xv}, 1) : 0", f"{aok} & {xok}"))
                case "scale":
                    xv, xok = stack.pop()
                    stack.append(self.value(f"{xok} ? checked(&fault, 0, {xv}, {a[0]}) : 0", xok))
                case "max":
                    terms = [stack.pop() for _ in range(int(a[0]))][::-1]
                    most = f"({terms[0][1]} ? {terms[0][0]} : 0)"
                    for v, ok in terms[1:]:
                        term = f"({ok} ? {v} : 0)"
                        most = f"max64({most}, {term})"
                    stack.append(self.value(most, "1"))
                case "if":
                    (cv, _), (tv, tok), (ov, ook) = stack.pop(-3), stack.pop(-2), stack.pop()
                    stack.append(self.value(f"{cv} ? {tv} : {ov}", f"{cv} ? {tok} : {ook}"))
                case "chance":
                    stack.append(self.value(f"(int64_t)(bits >> 32) < {a[0]}", "1"))
                case "present":
                    xv, xok = stack.pop()
                    stack.append(self.value(xok, "1"))
                case "truthy":
                    xv, xok = stack.pop()
                    stack.append(self.value(f"{xok} && {xv} != 0", "1"))
                case "less" | "equal":
                    (av, aok), (xv, xok) = stack.pop(-2), stack.pop()
                    compare = "<" if name == "less" else "=="
                    stack.append(self.value(f"{aok} && {xok} && {av} {compare} {xv}", "1"))
                case "not":
                    xv, xok = stack.pop()
                    stack.append(self.value(f"!{xv}", xok))
                case "and" | "or":
                    (av, aok), (xv, _) = stack.pop(-2), stack.pop()
                    stack.append(self.value(f"{av} {'&&' if name == 'and' else '||'} {xv}", aok))
                case "draw_scaled":
                    stack.append(self.value(f"checked(&fault, 0, drawn(bits, {a[0]}, {a[1]}), {a[2]})", "1"))
                case "add_draw_scaled":  # the scaled draw is checked even where the other side is absent
                    xv, xok = stack.pop()
                    scaled = self.value(f"checked(&fault, 0, drawn(bits, {a[0]}, {a[1]}), {a[2]})", "1")[0]
                    stack.append(self.value(f"{xok} ? checked(&fault, {xv}, {scaled}, 1) : 0", xok))
                case "ref_present":
                    stack.append(self.value(f"f{a[0]}ok", "1"))
                case "and_chance" | "or_chance":
                    xv, xok = stack.pop()
                    join = "&&" if name == "and_chance" else "||"
                    stack.append(self.value(f"{xv} {join} (int64_t)(bits >> 32) < {a[0]}", xok))
                case "less_const" | "equal_const":
                    xv, xok = stack.pop()
                    compare = "<" if name == "less_const" else "=="
                    stack.append(self.value(f"{xok} && {xv} {compare} {a[0]}", "1"))
                case _:
                    raise ValueError(f"an operation the kernels do not know: {name!r}")
        raise AssertionError("a sequence without its end")

    def field(self, k: int, name: str, when: int, value: int, extra: int) -> None:
        """Field ``k`` as ``make_batch`` makes it: its rule first (an overflow there always counts), then its value
        and second value (an overflow there counts where the rule holds), both absent where it does not. Its own
        64 bits are computed first where its code reads them."""
        self.lines.append(f"        /* {k}: {name} */")
        first = len(self.lines)
        if when >= 0:
            self.lines.append("        fault = 0;")
            rule, _ = self.run(when)
            self.lines.append(f"        int h{k} = {rule} != 0;")
            self.lines.append("        failed |= fault;")
        self.lines.append("        fault = 0;")
        v, ok = self.run(value)
        here = f" & h{k}" if when >= 0 else ""
        self.lines.append(f"        int64_t f{k}v = {v};")
        self.lines.append(f"        int f{k}ok = {ok}{here};")
        self.lines.append(f"        t->made[{k}].v[r] = f{k}v, t->made[{k}].ok[r] = (uint8_t)f{k}ok;")
        if extra >= 0:
            xv, xok = self.run(extra)
            self.lines.append(f"        t->extra[{k}].v[r] = {xv}, t->extra[{k}].ok[r] = (uint8_t)({xok}{here});")
        self.lines.append(f"        failed |= fault{here};")
        if any("bits" in line for line in self.lines[first:]):
            self.lines.insert(first, f"        bits = mix64(base ^ c->keys[{k}]);")


def _kernel(index: int, name: str, fields: Sequence[fld.Field]) -> list[str]:
    """The C of ``fields``' kernel: its function, its shape and its entry ``KERNEL_<index>``."""
    outline = Outline(fields)
    compiler = Compiler(outline)
    starts = compiler.fields()
    kernel = _Kernel(compiler.code)
    for k, f in enumerate(outline.fields):
        kernel.field(k, f.name, *starts[3 * k : 3 * k + 3])
    body = kernel.lines
    code = compiler.code
    shape = [
        (pc, f"OP_{item.upper()}" if isinstance(item, str) else str(item))
        for pc, item in enumerate(code)
        if isinstance(item, str) or code[pc - 1] in STRUCTURAL
    ]
    checks = ", ".join(f"{{{pc}, {value}}}" for pc, value in shape)
    operands = "".join(f"    const int64_t a{pc} = c->code[{pc}];\n" for pc in sorted(kernel.operands))
    # each column's values at the batch's records gathered first, in a loop of their own (``gather``)
    gathers = "".join(
        f"    int64_t col{k}[BATCH];\n    gather(&c->columns[{a}], t, col{k});\n" for k, a in enumerate(kernel.gathers)
    )
    return [
        f"/* {name}: {len(fields)} fields */",
        f"static void make_{index}(const Context *c, Batch *t) {{",
        (operands + gathers).rstrip("\n"),
        "    for (int r = 0; r < t->n; r++) {",
        "        const int64_t index = t->index[r];",
        "        const uint64_t base = mix64(mix64((uint64_t)index ^ c->record_key) + c->seed);",
        "        uint64_t bits = 0;",
        "        int failed = 0;",
        "        uint8_t fault = 0;",
        *body,
        "        t->failed[r] = (uint8_t)failed;",
        "        (void)bits;",
        "    }",
        "}",
        f"static const int32_t STARTS_{index}[] = {{{', '.join(map(str, starts))}}};",
        f"static const int64_t SHAPE_{index}[][2] = {{{checks}}};",
        f'#define KERNEL_{index} {{"{name}", {len(fields)}, {len(code)}, STARTS_{index}, SHAPE_{index}, '
        f"(int)(sizeof SHAPE_{index} / sizeof SHAPE_{index}[0]), make_{index}}}",
    ]


def header(tables: Mapping[str, Sequence[fld.Field]]) -> str:
    """The C header of ``tables``' kernels (included by ``core/_pages.c``, which defines ``Kernel``)."""
    lines = [
        "/* Generated at build time by mockserver/core/kernels.py from the tables' fields: do not edit. */",
        "#define HAVE_KERNELS 1",
    ]
    for index, (name, fields) in enumerate(tables.items()):
        lines += _kernel(index, name, fields)
    entries = ", ".join(f"KERNEL_{index}" for index in range(len(tables)))
    lines += [f"static const Kernel KERNELS[] = {{{entries}}};", f"#define KERNEL_COUNT {len(tables)}", ""]
    return "\n".join(lines)


def main(argv: Sequence[str]) -> None:
    """``OUT.h PACKAGE...``: the header of the kernels of each module of each ``PACKAGE`` (its ``FIELDS``, the
    kernel named by the module)."""
    out, *packages = argv
    tables = {}
    for package in packages:
        for _, name, _ in pkgutil.iter_modules(importlib.import_module(package).__path__):
            tables[name] = importlib.import_module(f"{package}.{name}").FIELDS
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(header(tables))


if __name__ == "__main__":
    main(sys.argv[1:])
