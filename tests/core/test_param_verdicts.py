"""A parameter's compiled verdict (``ParamRule.accepts``) against jsonschema's own, the oracle it stands in for.

The compiled verdict answers most requests without jsonschema; it must accept exactly what jsonschema accepts,
for every parameter of the shipped specs and for the schema shapes it compiles (formats jsonschema checks or not).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.apis import table
from mockserver.core.openapi import Param
from mockserver.core.params import ParamRule

SHIPPED = [p for api in ("events", "interventions") for p in table(api).operation.parameters]

# Values as the parameter's wire type coerces them (the compiled verdict sees them after coercion).
VALUES = {
    "integer": st.one_of(
        st.integers(-(2**70), 2**70),
        st.sampled_from([0, 1, 5, 100, 101, -1, 2**31, 2**63 - 1, 2**63, -(2**63), -(2**63) + 1]),
    ),
    "boolean": st.booleans(),
    "string": st.one_of(
        st.text(max_size=30),
        st.sampled_from(["2024-06-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-06-01T00:00Z", "start", "", " "]),
    ),
}


def _rule(schema: dict[str, Any]) -> ParamRule:
    return ParamRule.from_spec(
        Param(name="p", location="query", required=False, schema=schema, description="", example=None, cap=None)
    )


@pytest.mark.parametrize("param", SHIPPED, ids=lambda p: p.name)
@given(data=st.data())
def test_a_shipped_parameter_is_compiled_and_agrees_with_jsonschema(param: Param, data: st.DataObject) -> None:
    rule = ParamRule.from_spec(param)
    value = data.draw(VALUES[param.type])
    assert rule.accepts is not None, f"{param.name}: {dict(param.schema)} left to jsonschema on every request"
    assert rule.accepts(value) == rule.validator.is_valid(value)


SCHEMAS = [
    {"type": "integer", "format": "int64", "minimum": 1, "maximum": 100},
    {"type": "integer", "format": "int32", "minimum": -5},
    {"type": "integer", "format": "int64", "minimum": -9223372036854775807, "maximum": 9223372036854775807},
    {"type": "string", "format": "date-time"},
    {"type": "string", "enum": ["start", "end"]},
    {"type": "string", "pattern": "\\S", "minLength": 1},
    {"type": "string", "format": "uuid"},  # a format jsonschema checks: left to it
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items())[:60])
@given(data=st.data())
def test_a_compiled_schema_agrees_with_jsonschema(schema: dict[str, Any], data: st.DataObject) -> None:
    rule = _rule(schema)
    value = data.draw(VALUES[schema["type"]])
    verdict = rule.accepts(value) if rule.accepts is not None else rule.validator.is_valid(value)
    assert verdict == rule.validator.is_valid(value)
