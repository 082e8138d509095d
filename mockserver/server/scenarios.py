"""Per-request scenarios from the ``Prefer`` header (RFC 7240), parsed once into a typed value.

Prism-compatible where Prism has the same idea: ``code=NNN`` (a status the operation documents,
answered with its example), ``example=NAME`` (a named example), ``delay=MS``, ``dataset=empty``
(nothing matches) and ``seed=N`` (another deterministic dataset for this request). An unknown
preference is ignored and logged, as RFC 7240 asks; a malformed value of one of ours is a 400.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from connexion.exceptions import BadRequestProblem

from mockserver.core.openapi import Operation

__all__ = ["MAX_DELAY_MS", "Canned", "Preferences", "Scenarios"]

logger = logging.getLogger("mockserver.scenarios")

MAX_DELAY_MS = 10_000
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)


@dataclass(frozen=True)
class Preferences:
    """What a request prefers, validated; ``applied`` is what ``Preference-Applied`` echoes."""

    code: int | None = None
    example: str | None = None
    delay_ms: int = 0
    dataset: Literal["empty"] | None = None
    seed: int | None = None
    applied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Canned:
    """A response taken from the spec's examples."""

    status: int
    content_type: str
    body: bytes


def _split(header: str) -> list[tuple[str, str | None]]:
    """``name[=value]`` pairs of a Prefer header, parameters after ``;`` dropped, quotes removed."""
    pairs = []
    for item in re.findall(r'(?:[^,"]|"(?:[^"\\]|\\.)*")+', header):
        head = item.split(";", 1)[0].strip()
        if not head:
            continue
        name, sep, value = head.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        pairs.append((name.strip().lower(), value if sep else None))
    return pairs


def _problem(detail: str) -> BadRequestProblem:
    return BadRequestProblem(detail=f"Prefer: {detail}")


class Scenarios:
    """The scenarios one operation offers: its documented statuses and their examples."""

    def __init__(self, operation: Operation) -> None:
        self.examples: dict[int, dict[str | None, Canned]] = {}
        for code, response in operation.responses.items():
            if not code.isdigit():  # "4XX" and "default" name no one status to ask for
                continue
            for media, body in response.content.items():
                found = self.examples.setdefault(int(code), {})
                for name, example in body.examples.items():
                    canned = Canned(int(code), media, orjson.dumps(example))
                    if name is None:
                        found.setdefault(None, canned)
                    else:
                        found[name] = canned

    def parse(self, headers: list[str]) -> Preferences:
        """The preferences of a request's ``Prefer`` header values (the first of a repeated one counts)."""
        seen: dict[str, str | None] = {}
        for header in headers:
            for name, value in _split(header):
                seen.setdefault(name, value)
        values: dict[str, Any] = {}
        for name, value in seen.items():
            if name in ("code", "delay", "seed"):
                values[name] = self._number(name, value)
            elif name in ("example", "dataset"):
                values[name] = self._word(name, value)
            else:
                logger.info("ignored unknown preference %r", name if _TOKEN.fullmatch(name) else name[:40])
        prefs = Preferences(
            code=values.get("code"),
            example=values.get("example"),
            delay_ms=values.get("delay", 0),
            dataset=values.get("dataset"),
            seed=values.get("seed"),
            applied=tuple(f"{k}={v}" for k, v in seen.items() if k in values),
        )
        self.check(prefs)
        return prefs

    @staticmethod
    def _number(name: str, value: str | None) -> int:
        if value is None or not _DIGITS.fullmatch(value):
            expected = {
                "code": "a three-digit status",
                "delay": f"milliseconds, 0 to {MAX_DELAY_MS}",
                "seed": "a non-negative integer",
            }[name]
            raise _problem(f"{name}={value!r} is not {expected}")
        number = int(value)
        if name == "delay" and number > MAX_DELAY_MS:
            raise _problem(f"delay={number} is above the maximum {MAX_DELAY_MS} ms")
        if name == "seed" and number >= 2**63:
            raise _problem(f"seed={number} is above the maximum {2**63 - 1}")
        return number

    @staticmethod
    def _word(name: str, value: str | None) -> str:
        if not value:
            raise _problem(f"{name} needs a value")
        return value

    def check(self, prefs: Preferences) -> None:
        if prefs.code is not None and prefs.code not in self.examples:
            documented = ", ".join(map(str, sorted(self.examples)))
            raise _problem(f"code={prefs.code} is not a status this operation documents ({documented})")
        if prefs.example is not None:
            named = [n for n in self.examples.get(prefs.code or 200, {}) if n is not None]
            if prefs.example not in named:
                raise _problem(
                    f"example={prefs.example!r} is not a named example of status {prefs.code or 200} "
                    f"(named: {', '.join(named) or 'none'})"
                )
        if prefs.dataset not in (None, "empty"):
            raise _problem(f"dataset={prefs.dataset!r} is not a dataset (expected empty)")

    def canned(self, prefs: Preferences) -> Canned | None:
        """The spec's example the preferences ask for, or None when the data should answer."""
        if prefs.example is not None:
            return self.examples[prefs.code or 200][prefs.example]
        if prefs.code is not None and prefs.code != 200:
            examples = self.examples[prefs.code]
            return examples.get(None) or next(iter(examples.values()))
        return None
