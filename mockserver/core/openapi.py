"""One compiled view of each spec: load and validate a file once, resolve its ``$ref``s, freeze what the code reads.

Everything in the package that needs a spec (the server's request stage, the scenarios, the docs page,
the proxy, the contract tester, the dataset loader) reads a ``CompiledSpec``; nothing else walks the raw
document. The raw document is kept only to hand it whole to Connexion and Schemathesis. ``$ref``s are
resolved by ``referencing``; a file that does not load or validate fails fast, naming the file and the
JSON pointer.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from mockserver.core.formats import FORMAT_CHECKER

__all__ = [
    "ApiId",
    "Body",
    "CompiledSpec",
    "Operation",
    "Param",
    "Response",
    "Scheme",
    "Security",
    "SpecError",
    "api_only",
    "compile_spec",
    "data_dir",
]

ApiId = str  # an API's registered name (mockserver.apis)

_PACKAGE = Path(__file__).resolve().parent.parent
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Security schemes whose credentials are a bearer token in Authorization (RFC 6750), the only kind the mock serves.
_BEARER_KINDS = {("http", "bearer"), ("oauth2", None), ("openIdConnect", None)}
CAP_EXTENSION = "x-capped-at"  # on a page-size parameter: a larger value is served as this (never rejected)
# On a parameter: the keywords of its schema that are the mock's own decision where the document is silent (the mock
# keeps them; a deployment is not held to them, so the contract tester drops them from the schema it fuzzes with).
MOCK_EXTENSION = "x-mock-decides"


class SpecError(Exception):
    """A spec or data file that cannot be used; the message names the file and the place."""


def data_dir(name: str) -> Path:
    """``spec/`` or ``fixtures/``: inside an installed wheel, or beside the package in a checkout."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise SpecError(f"cannot find the {name}/ folder next to {_PACKAGE}")


@dataclass(frozen=True)
class Param:
    """One declared parameter, ``$ref`` resolved, with the schema keywords the code reads."""

    name: str
    location: str  # query, header, path or cookie
    required: bool
    schema: Mapping[str, Any]
    description: str
    example: Any
    cap: int | None  # x-capped-at: larger values are served as this
    mock_keywords: tuple[str, ...] = ()  # x-mock-decides: schema keywords that are the mock's decision

    @property
    def type(self) -> str:
        return str(self.schema.get("type", "string"))

    @property
    def format(self) -> str | None:
        return self.schema.get("format")

    @property
    def enum(self) -> tuple[Any, ...] | None:
        enum = self.schema.get("enum")
        return None if enum is None else tuple(enum)

    @property
    def default(self) -> Any:
        return self.schema.get("default")

    @property
    def minimum(self) -> int | None:
        return self.schema.get("minimum")

    @property
    def maximum(self) -> int | None:
        return self.schema.get("maximum")

    @property
    def pattern(self) -> str | None:
        return self.schema.get("pattern")

    @property
    def min_length(self) -> int | None:
        return self.schema.get("minLength")

    @property
    def free_header(self) -> bool:
        """A required header whose value the spec does not fix (a session token: any non-blank value will do)."""
        return self.location == "header" and self.required and not self.enum

    @property
    def typed(self) -> bool:
        """Whether an empty value is invalid (anything but a free string)."""
        return self.type != "string" or self.format is not None or self.enum is not None


@dataclass(frozen=True)
class Scheme:
    """A security scheme a requirement names."""

    name: str
    type: str
    scheme: str | None  # http's scheme, lower-case

    @property
    def bearer(self) -> bool:
        return (self.type, self.scheme) in _BEARER_KINDS


@dataclass(frozen=True)
class Security:
    """An operation's ``security``: alternatives, each a set of schemes with the scopes they require."""

    alternatives: tuple[tuple[tuple[Scheme, tuple[str, ...]], ...], ...]

    @property
    def anonymous(self) -> bool:
        """Whether a request without credentials satisfies it (no requirement, or an empty alternative)."""
        return not self.alternatives or any(not alternative for alternative in self.alternatives)

    @property
    def bearer(self) -> bool:
        """Whether every alternative asks for a bearer token (and nothing else)."""
        return not self.anonymous and all(s.bearer for alt in self.alternatives for s, _ in alt)

    @property
    def scope_sets(self) -> tuple[frozenset[str], ...]:
        """Per alternative, the scopes it requires; a token must hold every scope of one of them."""
        return tuple(frozenset(s for _, scopes in alt for s in scopes) for alt in self.alternatives)

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes every alternative requires."""
        sets = self.scope_sets
        return tuple(sorted(frozenset.intersection(*sets))) if sets else ()


@dataclass(frozen=True)
class Body:
    """One media type of a response: its schema, validator and examples (``None`` name: the single ``example``)."""

    media: str
    schema: Mapping[str, Any] | None
    validator: OAS30Validator | None
    examples: Mapping[str | None, Any]


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX" or "default"
    content: Mapping[str, Body]
    headers: tuple[str, ...]  # required response headers


@dataclass(frozen=True)
class Operation:
    path: str
    method: str  # lower-case
    operation_id: str
    description: str
    parameters: tuple[Param, ...]
    security: Security
    responses: Mapping[str, Response]

    def param(self, name: str) -> Param:
        found = next((p for p in self.parameters if p.name == name), None)
        if found is None:
            raise SpecError(f"{self.method.upper()} {self.path} declares no parameter {name!r}")
        return found

    def params_in(self, location: str) -> tuple[Param, ...]:
        return tuple(p for p in self.parameters if p.location == location)

    def response_for(self, status: int) -> Response | None:
        found = self.responses.get(str(status)) or self.responses.get(f"{status // 100}XX")
        return found or self.responses.get("default")


@dataclass(frozen=True)
class CompiledSpec:
    """A spec file, validated, its ``$ref``s resolved, frozen."""

    source: Path
    document: Mapping[str, Any]  # the raw spec, only to hand whole to Connexion or Schemathesis (read-only)
    title: str
    operations: tuple[Operation, ...]

    @property
    def list_operation(self) -> Operation:
        """The spec's list operation: its only GET."""
        found = [op for op in self.operations if op.method == "get"]
        if len(found) != 1:
            raise SpecError(f"{self.source}: expected exactly one GET operation, found {len(found)}")
        return found[0]

    def validator(self, schema: Mapping[str, Any]) -> OAS30Validator:
        """A validator of ``schema`` (a part of this spec), its ``$ref``s resolving within the spec."""
        return OAS30Validator(
            {**schema, "components": self.document.get("components", {})}, format_checker=FORMAT_CHECKER
        )

    def item_schema(self, items_key: str) -> Mapping[str, Any]:
        """The schema of one record of the list operation's 200 body, kept under ``items_key``."""
        body = self.list_operation.responses["200"].content["application/json"]
        assert body.schema is not None
        _, resolved = _Resolver(self.source, self.document).resolve(body.schema)
        items = resolved.get("properties", {}).get(items_key, {}).get("items")
        if items is None:
            raise SpecError(f"{self.source}: the 200 body of the list operation has no {items_key} array")
        return _Resolver(self.source, self.document).resolve(items)[1]


class _Resolver:
    """``$ref``s of one document, resolved by ``referencing`` (local and chained ones)."""

    def __init__(self, source: Path, document: Mapping[str, Any]) -> None:
        uri = source.resolve().as_uri()
        self.source = source
        self.root = Registry().with_resource(uri, Resource.opaque(document)).resolver(base_uri=uri)

    def resolve(self, node: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        """The object ``node`` stands for, and the pointer it was found at ("" when it was not a ``$ref``)."""
        resolver, where = self.root, ""
        for _ in range(32):
            if "$ref" not in node:
                return where, node
            where = node["$ref"]
            try:
                resolved = resolver.lookup(where)
            except Unresolvable:
                raise SpecError(f"{self.source}: cannot resolve $ref {where!r}") from None
            node, resolver = resolved.contents, resolved.resolver
        raise SpecError(f"{self.source}: $ref chain through {where!r} does not end")


def _load(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: {exc}") from None
    try:
        validate(document)
    except OpenAPIValidationError as exc:
        pointer = "/" + "/".join(str(p) for p in exc.absolute_path)
        raise SpecError(f"{path}#{pointer}: {exc.message}") from None
    except Unresolvable as exc:
        raise SpecError(f"{path}: cannot resolve $ref {getattr(exc, 'ref', '')!r}") from None
    return cast(dict[str, Any], document)


def _param(resolver: _Resolver, raw: Mapping[str, Any]) -> Param:
    _, param = resolver.resolve(raw)
    _, schema = resolver.resolve(param.get("schema", {}))
    cap = param.get(CAP_EXTENSION)
    if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap < 1):
        raise SpecError(f"{resolver.source}: {CAP_EXTENSION} of {param['name']} is {cap!r}; expected an integer >= 1")
    decided = param.get(MOCK_EXTENSION, [])
    if not (isinstance(decided, list) and all(isinstance(k, str) and k in schema for k in decided)):
        raise SpecError(
            f"{resolver.source}: {MOCK_EXTENSION} of {param['name']} is {decided!r}; expected a list of keywords its "
            f"schema has (of {sorted(schema)})"
        )
    return Param(
        name=param["name"],
        location=param["in"],
        required=bool(param.get("required", False)),
        schema=schema,
        description=param.get("description", ""),
        example=param.get("example", schema.get("example")),
        cap=cap,
        mock_keywords=tuple(decided),
    )


def api_only(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a spec document without the mock's own decisions: each parameter's schema loses the keywords its
    ``x-mock-decides`` names (inline parameters and those under ``components/parameters``)."""
    copy: dict[str, Any] = deepcopy(dict(document))
    places = [copy.get("components", {}).get("parameters", {}).values()]
    for item in copy.get("paths", {}).values():
        places.append(item.get("parameters", []))
        places.extend(op.get("parameters", []) for op in item.values() if isinstance(op, dict))
    for params in places:
        for param in params:
            schema = param.get("schema") if isinstance(param, dict) else None
            if isinstance(schema, dict):
                for keyword in param.get(MOCK_EXTENSION, []):
                    schema.pop(keyword, None)
    return copy


def _security(resolver: _Resolver, spec: Mapping[str, Any], op: Mapping[str, Any]) -> Security:
    schemes = spec.get("components", {}).get("securitySchemes", {})
    alternatives = []
    for requirement in op.get("security", spec.get("security", [])):
        alternative = []
        for name, scopes in requirement.items():
            _, scheme = resolver.resolve(schemes[name])
            kind = scheme.get("scheme")
            alternative.append(
                (Scheme(name, scheme["type"], kind.lower() if isinstance(kind, str) else None), tuple(scopes))
            )
        alternatives.append(tuple(alternative))
    return Security(tuple(alternatives))


def _body(resolver: _Resolver, media: str, raw: Mapping[str, Any], components: Mapping[str, Any]) -> Body:
    examples: dict[str | None, Any] = {}
    if "example" in raw:
        examples[None] = raw["example"]
    for name, example in raw.get("examples", {}).items():
        examples[name] = resolver.resolve(example)[1].get("value")
    schema = raw.get("schema")
    validator = (
        None if schema is None else OAS30Validator({**schema, "components": components}, format_checker=FORMAT_CHECKER)
    )
    return Body(media.lower(), schema, validator, examples)


def _response(resolver: _Resolver, status: str, raw: Mapping[str, Any], components: Mapping[str, Any]) -> Response:
    _, response = resolver.resolve(raw)
    content = {
        media.lower(): _body(resolver, media, body, components) for media, body in response.get("content", {}).items()
    }
    required = tuple(
        name for name, header in response.get("headers", {}).items() if resolver.resolve(header)[1].get("required")
    )
    return Response(status.upper(), content, required)


@functools.cache
def compile_spec(path: Path) -> CompiledSpec:
    """The compiled view of the spec at ``path`` (once per file and process)."""
    document = _load(path)
    resolver = _Resolver(path, document)
    components = document.get("components", {})
    operations = []
    for template, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method in _METHODS:
            if method not in item:
                continue
            op = item[method]
            declared = (_param(resolver, raw) for raw in [*shared, *op.get("parameters", [])])
            by_name = {(p.name, p.location): p for p in declared}  # the operation's own win over the path's
            operations.append(
                Operation(
                    path=template,
                    method=method,
                    operation_id=op.get("operationId", f"{method} {template}"),
                    description=op.get("description", ""),
                    parameters=tuple(by_name.values()),
                    security=_security(resolver, document, op),
                    responses={
                        str(s).upper(): _response(resolver, str(s), r, components) for s, r in op["responses"].items()
                    },
                )
            )
    title = str(document.get("info", {}).get("title", path.stem))
    return CompiledSpec(path, document, title, tuple(operations))
