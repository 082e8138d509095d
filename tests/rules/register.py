"""The rule register: the sentences of the specs' descriptions, and the entries of register.yaml that cover them.

A *sentence* is cut from a ``description`` string by one splitter (``split_sentences``): paragraphs are
separated by a blank line; within a paragraph, whitespace is collapsed to single spaces, and a sentence ends at
``. `` followed by a capital letter, a backtick, ``*`` or ``(``. Text inside ``example`` and ``examples`` is data
and is never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from mockserver.core.openapi import ApiId
from tests.support.specs import SHIPPED as API_IDS
from tests.support.specs import raw_spec as load_spec

__all__ = [
    "REGISTER",
    "ROOT",
    "RULE_CLASSES",
    "Entry",
    "Sentence",
    "load_register",
    "spec_sentences",
    "split_sentences",
]

ROOT = Path(__file__).resolve().parents[2]
REGISTER = Path(__file__).with_name("register.yaml")

_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"(?<=\.) (?=[A-Z`*(])")
_DATA_KEYS = frozenset({"example", "examples"})


def split_sentences(text: str) -> list[str]:
    """The sentences of one description, whitespace collapsed (see the module docstring for the rule)."""
    sentences = []
    for paragraph in _PARAGRAPH.split(text):
        collapsed = " ".join(paragraph.split())
        if collapsed:
            sentences += _SENTENCE_END.split(collapsed)
    return sentences


def _escape(key: str) -> str:
    """A JSON pointer reference token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _descriptions(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """(pointer, text) of every ``description`` string under ``node``, skipping example data."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in _DATA_KEYS:
                continue
            where = f"{pointer}/{_escape(str(key))}"
            if key == "description" and isinstance(value, str):
                yield where, value
            else:
                yield from _descriptions(value, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _descriptions(value, f"{pointer}/{index}")


@dataclass(frozen=True)
class Sentence:
    api: ApiId
    where: str  # the JSON pointer of the description in the spec
    words: str


def spec_sentences(api: ApiId) -> list[Sentence]:
    """Every sentence of every description of ``api``'s spec, in document order."""
    return [
        Sentence(api, where, words)
        for where, text in _descriptions(load_spec(api), "")
        for words in split_sentences(text)
    ]


def all_spec_sentences() -> list[Sentence]:
    return [sentence for api in API_IDS for sentence in spec_sentences(api)]


@dataclass(frozen=True)
class Entry:
    """One entry of the register: a rule (``id``) or an informative sentence (``informative``)."""

    api: ApiId
    where: str
    words: str
    id: str | None = None
    rule_class: str | None = None  # "api" or "mock" (the YAML key ``class``)
    informative: str | None = None
    mock: tuple[str, ...] = ()
    checks: tuple[str, ...] | None = None
    broken: tuple[str, ...] | None = None
    unobservable: str | None = None

    @property
    def sentence(self) -> Sentence:
        return Sentence(self.api, self.where, self.words)

    @property
    def is_rule(self) -> bool:
        return self.id is not None

    @property
    def name(self) -> str:
        """How a message names this entry: its id, or where its sentence stands."""
        return self.id or f"{self.api}#{self.where}: {self.words!r}"


_KEYS = frozenset(f.name for f in fields(Entry) if f.name != "rule_class") | {"class"}
RULE_CLASSES = ("api", "mock")


def _entry(index: int, raw: Any) -> Entry:
    def fail(why: str) -> ValueError:
        return ValueError(f"{REGISTER.name}: entry {index}: {why}")

    if not isinstance(raw, Mapping):
        raise fail(f"not a mapping: {raw!r}")
    unknown = set(raw) - _KEYS
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}; expected some of {sorted(_KEYS)}")
    api = raw.get("api")
    if api not in API_IDS:
        raise fail(f"api={api!r} is not one of {API_IDS}")

    def text(key: str, required: bool = False) -> str | None:
        value = raw.get(key)
        if not (isinstance(value, str) or (value is None and not required)):
            raise fail(f"{key}={value!r} is not a string")
        return value

    def names(key: str) -> tuple[str, ...] | None:
        value = raw.get(key)
        if value is None:
            return None
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise fail(f"{key}={value!r} is not a list of strings")
        return tuple(value)

    return Entry(
        api=api,
        where=str(text("where", required=True)),
        words=str(text("words", required=True)),
        id=text("id"),
        rule_class=text("class"),
        informative=text("informative"),
        mock=names("mock") or (),
        checks=names("checks"),
        broken=names("broken"),
        unobservable=text("unobservable"),
    )


def load_register(path: Path = REGISTER) -> list[Entry]:
    """The entries of the register, in file order; a malformed entry raises ``ValueError`` naming it."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, list):
        raise ValueError(f"{path.name}: expected a list of entries")
    return [_entry(index, raw) for index, raw in enumerate(document)]
