"""The shipped tables agree with their specs, and the registry serves what is registered.

Oracles: the spec files read as plain YAML (``tests.support.specs``) and the numbers their prose states.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from mockserver.apis import names, register, table
from tests.support.specs import SHIPPED, raw_operation, raw_spec


def _param(api: str, name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [p for p in raw_operation(api)[1]["parameters"] if p["name"] == name]
    return found[0]


@pytest.mark.parametrize("api", SHIPPED)
def test_the_page_cap_extension_says_what_the_prose_says(api: str) -> None:
    served = table(api)
    description = raw_operation(api)[1]["description"]
    (stated,) = re.findall(rf"`{served.size_param}` is capped:.*?the mock's cap is\s+\*\*(\d+)\*\*", description, re.S)
    param = _param(api, served.size_param)
    assert re.search(rf"above the cap \(the mock's is {stated}\) is served as the cap", param["description"])
    assert param["x-capped-at"] == int(stated) == served.size_cap


@pytest.mark.parametrize("api", SHIPPED)
def test_the_window_bounds_are_required_date_times_of_the_spec(api: str) -> None:
    window = table(api).window
    for name in (window.lower, window.upper):
        param = _param(api, name)
        assert (param["in"], param["required"], param["schema"]["format"]) == ("query", True, "date-time")


@pytest.mark.parametrize("api", SHIPPED)
def test_the_order_fields_are_the_spec_s_choices_default_first(api: str) -> None:
    served = table(api)
    if served.order_param is None:
        assert len(served.order_fields) == 1
        return
    schema = _param(api, served.order_param)["schema"]
    assert served.order_fields[0] == schema["default"]
    assert sorted(served.order_fields) == sorted(schema["enum"])


@pytest.mark.parametrize("api", SHIPPED)
def test_every_named_parameter_is_declared(api: str) -> None:
    served = table(api)
    declared = {p["name"] for p in raw_operation(api)[1]["parameters"]}
    named = {
        served.size_param,
        served.page_param,
        served.order_param,
        served.category_param,
        served.find_param,
        served.count_param,
        *served.inert_params,
        *served.empty_matches_nothing,
    } - {None}
    assert named <= declared


@pytest.mark.parametrize("api", SHIPPED)
def test_the_page_body_keys_are_the_spec_s(api: str) -> None:
    served = table(api)
    spec = raw_spec(api)
    schemas = spec["components"]["schemas"]
    ref = raw_operation(api)[1]["responses"]["200"]["content"]["application/json"]["schema"]
    body = schemas[ref["$ref"].rsplit("/", 1)[1]] if "$ref" in ref else ref
    for path in (served.page_key, served.size_key, (served.count_key,), (served.items_key,)):
        node = body
        for key in path or ():
            node = node["properties"][key]
            node = schemas[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node
        assert "type" in node or "properties" in node


def test_the_shipped_apis_are_registered_by_name() -> None:
    assert names()[:2] == SHIPPED
    assert [table(n).name for n in SHIPPED] == list(SHIPPED)


def test_a_name_is_registered_once() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register(dataclasses.replace(table("events")))


def test_an_unknown_name_lists_the_registered_ones() -> None:
    with pytest.raises(KeyError, match="interventions, events"):
        table("nope")
