"""The request stage applies any supported ``security`` shape exactly as Connexion's stock security stage does.

Each case rewrites the interventions spec's ``security`` (alternatives, scopes, anonymous access, OpenID
Connect), registers it as an API of its own, and sends the same credentials to the served app and to the
stock app (``tests/server/stock.py``); status, challenge and body must match.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from mockserver.apis import register, table, unregister
from mockserver.core.tokens import mint_token
from mockserver.server.app import build_stores, create_app
from mockserver.server.settings import Settings
from tests.server.stock import stock_app
from tests.support.specs import raw_operation, spec_file

SCHEMES = {
    "oauth2": {
        "type": "oauth2",
        "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {"r": "read", "w": "write"}}},
    },
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://example.com/.well-known/openid-configuration"},
}
SHAPES: dict[str, list[dict[str, list[str]]]] = {
    "bearer": [{"bearerAuth": []}],
    "oauth2-one-scope": [{"oauth2": ["r"]}],
    "bearer-and-oauth2": [{"bearerAuth": [], "oauth2": ["r"]}],
    "two-alternatives": [{"oauth2": ["r"]}, {"oauth2": ["w"]}],
    "repeated-scope": [{"oauth2": ["r", "r"]}],
    "two-scopes": [{"oauth2": ["r", "w"]}],
    "optional": [{"bearerAuth": []}, {}],
    "anonymous": [{}],
    "none": [],
    "openid-connect": [{"oidc": ["r"]}],
}
AUTHORIZATION = [
    None,
    "Bearer",
    "Basic dXNlcjpwYXNz",
    "Bearer garbage",
    f"Bearer {mint_token(['r'])}",
    f"Bearer {mint_token(['w'])}",
    f"Bearer {mint_token(['r', 'w'])}",
    f"Bearer {mint_token([])}",
    f"bearer {mint_token(None)}",
    f"Bearer {mint_token(['r'], expires_in=-10)}",
]


def _variant(directory: Path, name: str, security: list[dict[str, list[str]]]) -> Path:
    spec = yaml.safe_load(spec_file("interventions").read_text(encoding="utf-8"))
    spec["components"]["securitySchemes"].update(SCHEMES)
    (item,) = spec["paths"].values()
    item["get"]["security"] = security
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[TestClient, TestClient]]]:
    directory = tmp_path_factory.mktemp("security")
    names = []
    for n, (shape, security) in enumerate(SHAPES.items()):
        api = f"access-{shape}"
        register(
            dataclasses.replace(
                table("interventions"), name=api, base_path=f"/v{n}", spec_file=_variant(directory, shape, security)
            )
        )
        names.append(api)
    settings = Settings(apis=tuple(names), count=50, seed=2)
    stores = build_stores(settings)
    served = TestClient(create_app(settings, stores), raise_server_exceptions=False)
    stock = TestClient(stock_app(settings, stores), raise_server_exceptions=False)
    with served, stock:
        yield {shape: (served, stock) for shape in SHAPES}
    for api in names:
        unregister(api)


def _answer(client: TestClient, url: str, headers: dict[str, str]) -> tuple[Any, ...]:
    response = client.get(url, headers=headers)
    return response.status_code, response.headers.get("www-authenticate"), response.content


@pytest.mark.parametrize("shape", SHAPES)
def test_the_stage_answers_credentials_as_connexion_does(
    apps: dict[str, tuple[TestClient, TestClient]], shape: str
) -> None:
    served, stock = apps[shape]
    n = list(SHAPES).index(shape)
    query = "scheduledStart=2024-06-01T00:00:00Z&scheduledEnd=2025-06-01T00:00:00Z&includeSites=false&pageSize=3"
    url = f"/v{n}{raw_operation('interventions')[0]}?{query}"
    statuses = set()
    for authorization in AUTHORIZATION:
        headers = {"x-session-token": "s", "content-type": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        mine = _answer(served, url, headers)
        statuses.add(mine[0])
        assert mine == _answer(stock, url, headers), authorization
    assert 200 in statuses
