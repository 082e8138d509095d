"""What the tester knows of an API: the profile agrees with the spec read as plain YAML, and reads bodies and queries
by laws over any value."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.contract.target.profile import profile
from tests.support.specs import SHIPPED, raw_operation, raw_spec

PROFILES = {api: profile(api) for api in SHIPPED}  # built once, before any example is timed

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


def _raw_param(api: str, name: str) -> dict[str, Any]:
    _, op = raw_operation(api)
    (found,) = (p for p in op["parameters"] if p["name"] == name)
    return dict(found)


@pytest.mark.parametrize("api", SHIPPED)
def test_the_profile_declares_the_spec_parameters_where_the_spec_puts_them(api: str) -> None:
    _, op = raw_operation(api)
    declared = {(p["name"], p["in"], bool(p.get("required", False))) for p in op["parameters"]}
    assert {(p.name, p.location, p.required) for p in profile(api).params} == declared


@pytest.mark.parametrize("api", SHIPPED)
def test_the_page_cap_and_defaults_are_the_specs(api: str) -> None:
    prof = profile(api)
    size, page = _raw_param(api, prof.size_param), _raw_param(api, prof.page_param)["schema"]
    assert prof.size_cap == size["x-capped-at"]
    size = size["schema"]
    assert (prof.size_default, prof.page_default) == (size.get("default", prof.size_cap), page.get("default", 1))


@pytest.mark.parametrize("api", SHIPPED)
def test_the_scopes_are_those_every_security_alternative_of_the_spec_requires(api: str) -> None:
    _, op = raw_operation(api)
    alternatives = op.get("security", raw_spec(api).get("security", []))
    sets = [{s for scopes in alt.values() for s in scopes} for alt in alternatives]
    assert set(profile(api).scopes) == (set.intersection(*sets) if sets else set())


@pytest.mark.parametrize("api", SHIPPED)
def test_the_fixed_headers_are_the_required_headers_with_one_allowed_value(api: str) -> None:
    _, op = raw_operation(api)
    expected = {
        p["name"]: str(p["schema"]["enum"][0])
        for p in op["parameters"]
        if p["in"] == "header" and p.get("required") and len(p["schema"].get("enum", [])) == 1
    }
    assert profile(api).fixed_headers() == expected


@given(api=st.sampled_from(SHIPPED), value=JSON)
def test_a_body_has_records_only_when_a_list_of_objects_is_where_the_spec_puts_them(api: str, value: Any) -> None:
    prof = profile(api)
    body = {prof.items_key: value}
    is_page = isinstance(value, list) and all(isinstance(v, dict) for v in value)
    assert prof.items(body) == (value if is_page else None)
    assert prof.items(value) is None or isinstance(value, dict)


@given(api=st.sampled_from(SHIPPED), value=JSON)
def test_an_order_outside_the_documented_fields_reads_as_the_first(api: str, value: Any) -> None:
    prof = profile(api)
    query = {prof.order_param: value} if prof.order_param else {}
    assert prof.order_field(query) == (value if value in prof.order_fields else prof.order_fields[0])


@pytest.mark.parametrize("api", SHIPPED)
def test_the_time_fields_are_the_ordered_and_period_fields_each_once(api: str) -> None:
    prof = profile(api)
    fields = prof.time_fields
    assert len(set(fields)) == len(fields)
    assert set(fields) == {*prof.order_fields, *(prof.period or ())}
