"""The specs: valid OpenAPI 3.0.3, examples that satisfy their own schemas, loadable by Connexion and Schemathesis."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from connexion import AsyncApp
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from mockserver.core.formats import FORMAT_CHECKER
from mockserver.core.openapi import ApiId
from tests.support.specs import SHIPPED as API_IDS
from tests.support.specs import raw_operation, spec_file
from tests.support.specs import raw_spec as load_spec

# The pattern the interventions document gives for scheduledStart and scheduledEnd, verbatim.
DOCUMENT_PATTERN = (
    r"^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])"
    r"-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3])"
    r":[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z))$"
)


@pytest.mark.parametrize("api", API_IDS)
def test_spec_is_valid_openapi_303(api: ApiId) -> None:
    spec = load_spec(api)
    validate(spec)
    assert spec["openapi"] == "3.0.3"


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _examples(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Every (where, schema, example value) pair in the spec: parameters, media types, schema examples."""
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for ref in op.get("parameters", []):
                param = _resolve(spec, ref)
                if "example" in param:
                    yield f"{method} {path} parameter {param['name']}", param["schema"], param["example"]
            for status, ref in op["responses"].items():
                response = _resolve(spec, ref)
                for media, content in response.get("content", {}).items():
                    where = f"{method} {path} {status} {media}"
                    if "example" in content:
                        yield where, content["schema"], content["example"]
                    for name, example in content.get("examples", {}).items():
                        yield f"{where} example {name}", content["schema"], example["value"]
    for name, schema in spec["components"]["schemas"].items():
        for prop, sub in schema.get("properties", {}).items():
            if "example" in sub:
                yield f"schema {name}.{prop}", sub, sub["example"]


@pytest.mark.parametrize("api", API_IDS)
def test_every_example_satisfies_its_schema(api: ApiId) -> None:
    spec = load_spec(api)
    failures = []
    examples = list(_examples(spec))
    for where, schema, value in examples:
        validator = OAS30Validator({**schema, "components": spec["components"]}, format_checker=FORMAT_CHECKER)
        failures += [f"{where}: {e.message}" for e in validator.iter_errors(value)]
    assert len(examples) >= 8
    assert failures == []


@pytest.mark.parametrize("name", ["scheduledStart", "scheduledEnd"])
def test_interventions_dates_carry_the_document_pattern_verbatim(name: str) -> None:
    (param,) = [p for p in raw_operation("interventions")[1]["parameters"] if p["name"] == name]
    assert param["schema"] == {"type": "string", "format": "date-time", "pattern": DOCUMENT_PATTERN}
    assert param["required"] is True


@pytest.mark.parametrize("api", API_IDS)
def test_every_error_status_is_documented(api: ApiId) -> None:
    responses = raw_operation(api)[1]["responses"]
    assert {"200", "400", "401", "403"} <= set(responses)
    for status in ("400", "401", "403"):
        assert "application/problem+json" in _resolve(load_spec(api), responses[status])["content"]


@pytest.mark.parametrize("api", API_IDS)
def test_spec_loads_in_connexion(api: ApiId) -> None:
    app = AsyncApp(__name__)
    app.add_api(spec_file(api), base_path="/x", resolver_error=501)
    path = raw_operation(api)[0]
    client = app.test_client()
    assert list(client.get("/x/openapi.json").json()["paths"]) == [path]
    assert client.get(f"/x{path}").status_code == 501  # routed to the spec's operation, whose handler is not given
    assert client.get("/x/not-in-the-spec").status_code == 404


@pytest.mark.parametrize("api", API_IDS)
def test_spec_loads_in_schemathesis(api: ApiId) -> None:
    schema = schemathesis.openapi.from_path(str(spec_file(api)))
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert [op.method.upper() + " " + op.path for op in operations] == [f"GET {raw_operation(api)[0]}"]
