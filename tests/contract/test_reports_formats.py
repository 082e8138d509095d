"""The report formats a run writes: a ``--report`` value reads back the same, and every format has a file of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mockserver.contract.reports.formats import (
    OURS,
    RESULTS_FILE,
    SCHEMATHESIS,
    FormatError,
    parse_formats,
    report_path,
)

KNOWN = (*SCHEMATHESIS, *OURS)
NAMES = st.lists(st.sampled_from(KNOWN), min_size=1, max_size=6)
SPELLINGS: st.SearchStrategy[Callable[[str], str]] = st.sampled_from(
    [str.lower, str.upper, str.title, lambda s: f" {s} "]
)


@given(names=NAMES, spellings=st.lists(SPELLINGS, min_size=6, max_size=6))
def test_a_list_of_known_names_reads_as_those_names_once_each_in_order(
    names: list[str], spellings: list[Callable[[str], str]]
) -> None:
    text = ",".join(spell(name) for spell, name in zip(spellings, names, strict=False))
    assert parse_formats(text) == tuple(dict.fromkeys(names))


@given(names=NAMES)
def test_reading_the_formats_read_gives_them_again(names: list[str]) -> None:
    once = parse_formats(",".join(names))
    assert parse_formats(",".join(once)) == once


@given(names=NAMES, other=st.text("abcdefghijklmnopqrstuvwxyz./\\", min_size=1, max_size=8), at=st.integers(0, 6))
def test_a_list_naming_anything_else_is_refused(names: list[str], other: str, at: int) -> None:
    assume(other not in KNOWN)
    names.insert(at, other)
    with pytest.raises(FormatError):
        parse_formats(",".join(names))


@given(text=st.text(" ,", max_size=5))
def test_a_list_naming_nothing_is_refused(text: str) -> None:
    with pytest.raises(FormatError):
        parse_formats(text)


def test_every_format_has_its_own_file_in_the_folder_and_none_is_the_results_file(tmp_path: Path) -> None:
    paths = [report_path(tmp_path, name) for name in KNOWN]
    assert len(set(paths)) == len(KNOWN)
    assert all(path.parent == tmp_path for path in paths)
    assert tmp_path / RESULTS_FILE not in paths
