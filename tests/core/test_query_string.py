"""The parameter layer reads a query string as ``urllib.parse.parse_qsl`` does (blank values kept, UTF-8 escapes)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st

from mockserver.core.params import _query_values

# The characters that matter to the split and the decoding, and some that do not; bytes above 0x7f too.
query_strings = st.lists(st.sampled_from(["&", "=", "%", "+", "%2B", "%41", "%E5%AD%B8", "a", "b", "é", " ", ";"])).map(
    lambda parts: "".join(parts).encode()
) | st.binary(max_size=40)


@given(query_strings)
def test_values_are_parse_qsl_s_grouped_by_name(query_string: bytes) -> None:
    expected: dict[str, list[str]] = {}
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, errors="replace"):
        expected.setdefault(name, []).append(value)
    assert _query_values(query_string) == expected
