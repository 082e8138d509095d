"""Swagger UI pages whose "Try it out" sends the header parameters that the stock page drops (``Content-Type``)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from connexion import AsyncApp
from connexion.options import SwaggerUIOptions
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from mockserver.core.openapi import CompiledSpec

__all__ = ["SPEC_ONLY", "add_swagger_ui"]

# Connexion still serves {base}/openapi.json; the UI under {base}/ui/ is ours.
SPEC_ONLY = SwaggerUIOptions(swagger_ui=False)

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"), autoescape=True
)
_BUNDLE = Path(str(swagger_ui_path))
# Served by name only, from a fixed list of the bundle's files: no request can name another path.
_ASSETS = {p.name: p for p in _BUNDLE.iterdir() if p.suffix in {".js", ".css", ".png"} or p.name.endswith(".html")}
# Swagger UI never sends these from "Try it out" (Authorization comes from the Authorize dialog instead).
_DROPPED_HEADERS = ("accept", "content-type")


def required_headers(spec: CompiledSpec, base_path: str) -> dict[str, dict[str, str]]:
    """Per request path, the dropped header parameters with the value the spec gives them (example, else enum)."""
    added: dict[str, dict[str, str]] = {}
    for operation in spec.operations:
        for param in operation.params_in("header"):
            value = param.example if param.example is not None else (param.enum or (None,))[0]
            if param.name.lower() in _DROPPED_HEADERS and value is not None:
                added.setdefault(base_path.rstrip("/") + operation.path, {})[param.name.lower()] = str(value)
    return added


def add_swagger_ui(app: AsyncApp, name: str, spec: CompiledSpec, base_path: str) -> None:
    """Serve ``{base_path}/ui/``: our page, with the swagger-ui bundle's files beside it (as Connexion lays them)."""
    ui = base_path.rstrip("/") + "/ui"
    page = (
        _TEMPLATES.get_template("swagger-ui.html.j2")
        .render(
            title=spec.title,
            spec_url=base_path.rstrip("/") + "/openapi.json",
            base_path=base_path.rstrip("/"),
            headers=required_headers(spec, base_path),
        )
        .encode()
    )

    async def home(request: Request) -> Response:
        return HTMLResponse(page)

    async def redirect(request: Request) -> Response:
        return RedirectResponse(ui + "/")

    async def asset(request: Request) -> Response:
        path = _ASSETS.get(request.path_params["name"])
        if path is None:
            raise HTTPException(status_code=404)
        return FileResponse(path)

    routes = {ui: redirect, ui + "/": home, ui + "/index.html": home, ui + "/{name}": asset}
    for n, (rule, view) in enumerate(routes.items()):
        app.add_url_rule(rule, f"{name}_swagger_ui_{n}", view, methods=["GET"])
