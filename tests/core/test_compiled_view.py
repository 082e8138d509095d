"""The compiled view of a spec: the same parameters, security and responses the YAML states, ``$ref``s resolved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.core.openapi import SpecError, compile_spec
from tests.support.specs import SHIPPED, raw_operation, raw_spec, spec_file


def _deref(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = spec["components"][section][name]
    return node


@pytest.mark.parametrize("api", SHIPPED)
def test_the_parameters_are_the_yaml_s(api: str) -> None:
    compiled = compile_spec(spec_file(api)).list_operation
    raw = raw_operation(api)[1]["parameters"]
    assert [(p.name, p.location, p.required, dict(p.schema)) for p in compiled.parameters] == [
        (p["name"], p["in"], p.get("required", False), p["schema"]) for p in raw
    ]


@pytest.mark.parametrize("api", SHIPPED)
def test_every_response_is_resolved_with_its_media_types_and_examples(api: str) -> None:
    spec = raw_spec(api)
    compiled = compile_spec(spec_file(api)).list_operation
    for status, raw in raw_operation(api)[1]["responses"].items():
        target = _deref(spec, raw)
        content = compiled.responses[status].content
        assert sorted(content) == sorted(target.get("content", {}))
        for media, body in target.get("content", {}).items():
            expected = {None: body["example"]} if "example" in body else {}
            expected |= {name: _deref(spec, e)["value"] for name, e in body.get("examples", {}).items()}
            assert dict(content[media].examples) == expected


def test_the_events_security_asks_a_bearer_with_the_read_scope() -> None:
    security = compile_spec(spec_file("events")).list_operation.security
    assert (security.bearer, security.anonymous, security.scopes) == (True, False, ("calendar.event.read",))


def test_the_interventions_security_asks_a_bearer_without_scopes() -> None:
    security = compile_spec(spec_file("interventions")).list_operation.security
    assert (security.bearer, security.anonymous, security.scopes) == (True, False, ())


def _variant(tmp_path: Path, change: Any) -> Path:
    spec = yaml.safe_load(spec_file("interventions").read_text(encoding="utf-8"))
    change(spec)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_an_unresolvable_ref_names_the_file_and_the_ref(tmp_path: Path) -> None:
    def breaks(spec: dict[str, Any]) -> None:
        (item,) = spec["paths"].values()
        item["get"]["responses"]["400"] = {"$ref": "#/components/responses/Nowhere"}

    path = _variant(tmp_path, breaks)
    with pytest.raises(SpecError, match=r"variant\.yaml.*Nowhere"):
        compile_spec(path)


def test_an_invalid_spec_names_the_file_and_the_pointer(tmp_path: Path) -> None:
    def breaks(spec: dict[str, Any]) -> None:
        spec["info"].pop("title")

    path = _variant(tmp_path, breaks)
    with pytest.raises(SpecError, match=r"variant\.yaml#/info"):
        compile_spec(path)


def test_an_anonymous_alternative_makes_credentials_optional(tmp_path: Path) -> None:
    def opens(spec: dict[str, Any]) -> None:
        (item,) = spec["paths"].values()
        item["get"]["security"] = [{"bearerAuth": []}, {}]

    security = compile_spec(_variant(tmp_path, opens)).list_operation.security
    assert (security.anonymous, security.bearer) == (True, False)
