"""Hypothesis strategies of requests to the shipped operations: valid, invalid and hostile values and credentials."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

from mockserver.apis import table
from mockserver.core.tokens import mint_token
from tests.support.specs import raw_operation

__all__ = ["AUTHORIZATION", "VALID", "VALUES", "requests"]

VALUES = [
    "",
    "1",
    "0",
    "-5",
    "+5",
    "٥",
    "1_0",
    "7",
    "250",
    "9223372036854775808",
    "9" * 30,
    "true",
    "false",
    "TRUE",
    "2024-06-01T00:00:00Z",
    "2025-06-01T00:00:00.000Z",
    "2024-02-30T00:00:00Z",
    "2016-01-01T08:00:00 08:00",
    "2016-01-01T08:00:00+08:00",
    "0000-01-01T00:00:00Z",
    "2016-12-31T23:59:60Z",
    "2024-01-01T12:34Z",
    "abc",
    "start",
    "end",
    "created_at",
    "updated_at",
    "學生",
    "活動",
    "application/json",
    "APPLICATION/JSON",
]
AUTHORIZATION = [
    None,
    "Bearer",
    "Basic dXNlcjpwYXNz",
    "Bearer garbage",
    f"Bearer {mint_token(['calendar.event.read'])}",
    f"bearer {mint_token(None)}",
    f"Bearer {mint_token(['other'])}",
    f"Bearer {mint_token(None, expires_in=-10)}",
]


VALID = {
    "integer": ["1", "2", "3", "7", "250", "-1", "0"],
    "boolean": ["true", "false"],
    "date-time": [
        "2024-06-01T00:00:00Z",
        "2025-06-01T00:00:00.000Z",
        "2024-11-30T23:59:59.999Z",
        "2030-01-01T00:00:00Z",
    ],
}


def _valid(param: dict[str, Any]) -> list[str]:
    schema = param["schema"]
    if "enum" in schema:
        return [str(v) for v in schema["enum"]]
    kind = "date-time" if schema.get("format") == "date-time" else schema["type"]
    pool = VALID.get(kind, ["s", "學生", "活動"] if param["in"] == "query" else ["s"])
    return pool if param["name"] not in ("scheduledStart", "from") else [p.replace("2030", "2020") for p in pool]


@st.composite
def requests(draw: st.DrawFn, api: str) -> tuple[str, dict[str, str]]:
    """A URL and headers for ``api``'s operation: mostly valid values, sometimes junk, an unknown parameter or two."""
    path, op = raw_operation(api)
    pairs: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    for param in op["parameters"]:
        valid = st.lists(st.sampled_from(_valid(param)), min_size=1, max_size=1)
        junk = st.lists(st.sampled_from(VALUES), max_size=2)
        values = draw(junk if draw(st.integers(0, 11)) == 0 else valid)
        if param["in"] == "query":
            pairs += [(param["name"], v) for v in values]
        elif values and values[0].isascii():  # header values travel as latin-1
            headers[param["name"]] = values[0]
    pairs += draw(st.lists(st.tuples(st.sampled_from(["foo", "limt"]), st.sampled_from(VALUES)), max_size=1))
    authorization = draw(st.sampled_from(AUTHORIZATION[4:6]) | st.sampled_from(AUTHORIZATION))
    if authorization is not None:
        headers["Authorization"] = authorization
    query = "&".join(f"{quote(k)}={quote(v, safe=':')}" for k, v in draw(st.permutations(pairs)))
    return f"{table(api).base_path}{path}?{query}", headers
