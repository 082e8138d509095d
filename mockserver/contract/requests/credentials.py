"""The edge requests of credentials: tokens that must be refused or accepted, scopes, and which check comes first."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import orjson

from mockserver.contract.requests.edge import Edge, EdgeContext
from mockserver.contract.target.expected import Expectation

__all__ = ["credentials", "order", "scopes"]


def _jwt(claims: dict[str, Any]) -> str:
    """A JWT with exactly these claims and a signature no server issued (the mock checks none; a deployment refuses
    it)."""

    def part(data: Any) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(data)).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def credentials(ctx: EdgeContext) -> Iterator[Edge]:
    rule = (
        "credentials a server must refuse (none, another scheme, an empty or malformed token, one expired or "
        "badly signed) → 401 with WWW-Authenticate: Bearer"
    )
    scopes = list(ctx.profile.scopes)
    refused = [
        ("no Authorization header", ctx.without_auth()),
        ("Authorization: Basic …", {**ctx.without_auth(), "Authorization": "Basic dXNlcjpwYXNzd29yZA=="}),
        ("another scheme with the run's token", ctx.bearer(ctx.token, "Token")),
        ("Authorization: Bearer (no token)", ctx.bearer("")),
        ("a bearer token that is not a JWT", ctx.bearer("not-a-jwt")),
        ("a bearer token of three parts that are not base64url JSON", ctx.bearer("a.b.c")),
        ("a JWT whose middle part is a JSON array", ctx.bearer(_jwt([1, 2]))),  # type: ignore[arg-type]
        (
            "a JWT whose exp is an hour ago",
            ctx.bearer(_jwt({"sub": "t", "scope": " ".join(scopes), "exp": int(ctx.now) - 3600})),
        ),
    ]
    parts = ctx.token.split(".")
    if not ctx.mock_rules and len(parts) == 3:  # a real server verifies signatures; the mock does not
        refused.append(
            ("the run's token with another signature", ctx.bearer(f"{parts[0]}.{parts[1]}.b3RoZXItc2lnbmF0dXJl"))
        )
    if ctx.given.expired:
        refused.append(("--expired-token", ctx.bearer(ctx.given.expired)))
    for page in (1, 2):
        for request, headers in refused:
            yield Edge(
                ctx.base(page=page),
                headers,
                Expectation("credentials_refused", rule, f"{request} (page {page})", (401,), challenge=True),
            )
    accepted: list[tuple[str, dict[str, str]]] = [
        ("the run's token with the scheme written 'bearer'", ctx.bearer(ctx.token, "bearer")),
        ("the run's token with the scheme written 'BEARER'", ctx.bearer(ctx.token, "BEARER")),
    ]
    # The mock's own decisions on tokens (a real server verifies signatures, and reads its own claims).
    mocked: list[tuple[str, dict[str, str]]] = []
    if len(parts) == 3:
        mocked.append(
            ("the run's token with another signature", ctx.bearer(f"{parts[0]}.{parts[1]}.b3RoZXItc2lnbmF0dXJl"))
        )
    mocked += [
        ("a JWT with no scope claim (every scope)", ctx.bearer(_jwt({"sub": "t"}))),
        (
            "a JWT whose exp is an hour ahead",
            ctx.bearer(_jwt({"sub": "t", "scope": " ".join(scopes), "exp": int(ctx.now) + 3600})),
        ),
    ]
    if scopes:
        mocked += [
            ("a JWT whose scope claim is a list", ctx.bearer(_jwt({"sub": "t", "scope": scopes}))),
            (
                "a JWT whose scope string holds other scopes too",
                ctx.bearer(_jwt({"sub": "t", "scope": " ".join(["openid", *scopes, "profile"])})),
            ),
            (
                "a JWT with the scopes in scp (a list) and no scope claim",
                ctx.bearer(_jwt({"sub": "t", "scp": scopes})),
            ),
            (
                "a JWT with the scopes in scp (a string) and no scope claim",
                ctx.bearer(_jwt({"sub": "t", "scp": " ".join(scopes)})),
            ),
        ]
    for param in ctx.profile.header_params():
        if param.free_header and isinstance(param.example, str) and param.example.count(".") == 2:
            mocked.append(
                (
                    f"{param.name}: the document's example (a JWT that expired long ago)",
                    {**ctx.headers, param.name: param.example},
                )
            )
    for request, headers in accepted:
        yield Edge(
            ctx.base(),
            headers,
            Expectation("credentials_accepted", "the scheme name is case-insensitive (RFC 7235)", request, (200,)),
        )
    for request, headers in mocked:
        yield Edge(
            ctx.base(),
            headers,
            Expectation(
                "credentials_accepted",
                "the mock checks no signature; scopes come from scope, else scp, and neither claim means every "
                "scope; the JWT rule applies to Authorization only",
                request,
                (200,),
                mock=True,
            ),
        )


def scopes(ctx: EdgeContext, scopes: list[str]) -> Iterator[Edge]:
    rule = f"a token without {', '.join(scopes)} → 403"
    lacking = [
        ("a JWT whose scope string lacks it", _jwt({"sub": "t", "scope": "openid profile"})),
        ("a JWT whose scope list lacks it", _jwt({"sub": "t", "scope": ["openid"]})),
        ("a JWT whose scp lacks it", _jwt({"sub": "t", "scp": ["openid"]})),
        (
            "a JWT whose scope lacks it and whose scp has it (scope wins)",
            _jwt({"sub": "t", "scope": "openid", "scp": scopes}),
        ),
        ("a JWT with a longer scope that starts like it", _jwt({"sub": "t", "scope": f"{scopes[0]}.all"})),
    ]
    given = ctx.given.unscoped_given
    judged = [(request, token, True) for request, token in lacking]  # minted: the mock's reading of claims
    if ctx.unscoped:
        judged.append(("--unscoped-token", ctx.unscoped, not given))
    for page in (1, 2):
        for request, token, mock in judged:
            yield Edge(
                ctx.base(page=page),
                ctx.bearer(token),
                Expectation("scope_enforced", rule, f"{request} (page {page})", (403,), mock=mock),
            )
    yield Edge(
        ctx.base(page="x"),
        ctx.bearer(lacking[0][1]),
        Expectation(
            "checks_in_order",
            "403 (scope) before 400 (parameters)",
            "a token lacking the scope and page=x",
            (403,),
            mock=True,
        ),
    )


def order(ctx: EdgeContext) -> Iterator[Edge]:
    yield Edge(
        ctx.base(page="x"),
        ctx.without_auth(),
        Expectation(
            "checks_in_order", "401 (credentials) before 400 (parameters)", "no token and page=x", (401,), mock=True
        ),
    )
    for param in ctx.profile.header_params():
        if param.required:
            headers = {k: v for k, v in ctx.without_auth().items() if k.lower() != param.name.lower()}
            yield Edge(
                ctx.base(),
                headers,
                Expectation(
                    "checks_in_order",
                    "401 (credentials) before 400 (headers)",
                    f"no token and no {param.name}",
                    (401,),
                    mock=True,
                ),
            )
