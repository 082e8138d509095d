"""Query values read as the checks compare them: laws of ``as_int`` and ``as_bool``."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mockserver.contract.target.wire import as_bool, as_int


@given(st.integers())
def test_an_integer_reads_back_as_itself_as_a_value_and_as_its_ascii_text(value: int) -> None:
    assert (as_int(value), as_int(str(value))) == (value, value)


@given(st.text())
def test_a_text_is_an_integer_only_when_it_is_ascii_digits_with_an_optional_minus(text: str) -> None:
    digits = text.removeprefix("-")
    is_integer = bool(digits) and all(c in "0123456789" for c in digits)
    assert (as_int(text) is not None) == is_integer


@given(st.booleans())
def test_a_boolean_is_no_integer(value: bool) -> None:
    assert as_int(value) is None


@given(st.one_of(st.text(), st.integers(), st.none(), st.booleans()))
def test_only_true_false_and_booleans_are_booleans(value: Any) -> None:
    expected = value if isinstance(value, bool) else {"true": True, "false": False}.get(value)
    assert as_bool(value) == (expected if isinstance(value, bool | str) else None)
