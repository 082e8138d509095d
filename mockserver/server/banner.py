"""The start-up banner: where each API is, a token to call it with, the data's range and a curl per API."""

from __future__ import annotations

import shlex

from rich.console import Console

from mockserver.apis import table
from mockserver.core import native
from mockserver.core.instants import format_instant
from mockserver.core.openapi import ApiId
from mockserver.core.store import Store

__all__ = ["example_curl", "print_banner", "required_headers"]


def _window(store: Store) -> tuple[str, str]:
    times = store.columns.times
    if store.columns.count == 0:
        return "2025-01-01T00:00:00.000Z", "2025-01-02T00:00:00.000Z"
    first = min(int(v.min()) for v in times.values())
    last = max(int(v.max()) for v in times.values())
    return format_instant(first), format_instant(last + 1000)


def _wire(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def required_headers(api: ApiId, token: str) -> dict[str, str]:
    """The headers a request to ``api`` needs: the token, and each header the spec requires (a fixed value where
    the spec fixes one, else any non-blank value)."""
    headers = {"Authorization": f"Bearer {token}"}
    for param in table(api).operation.params_in("header"):
        if param.required:
            headers[param.name] = str(param.enum[0]) if param.enum and len(param.enum) == 1 else "dev"
    return headers


def example_curl(base: str, api: ApiId, store: Store, token: str) -> str:
    """A request for five records of the whole data's window, with every parameter and header the spec requires."""
    served = table(api)
    op = served.operation
    low, high = _window(store)
    query = {served.window.lower: low, served.window.upper: high}
    query |= {p.name: _wire(p.example) for p in op.params_in("query") if p.required and p.name not in query}
    if served.count_param is not None:
        query[served.count_param] = "true"
    query[served.size_param] = "5"
    headers = [word for name, value in required_headers(api, token).items() for word in ("-H", f"{name}: {value}")]
    url = f"{base}{served.base_path}{op.path}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
    return shlex.join(["curl", "-s", *headers, url])


def print_banner(console: Console, base: str, stores: dict[ApiId, Store], token: str, seed: int) -> None:
    console.print(f"[bold]mockserver[/bold] on {base} (seed {seed})", soft_wrap=True)
    for api, store in stores.items():
        prefix = f"{base}{table(api).base_path}"
        low, high = _window(store)
        console.print(
            f"  [bold]{api}[/bold]: {prefix}{table(api).operation.path}  (Swagger UI {prefix}/ui/)\n"
            f"    {store.columns.count} records, {low} … {high}",
            soft_wrap=True,
            highlight=False,
        )
    console.print(f"  inspector (requests, why, scenarios): {base}/__mock/", soft_wrap=True, highlight=False)
    console.print(f"  all the links: {base}/   health: {base}/healthz", soft_wrap=True, highlight=False)
    console.print(f"  implementation: {native.summary()}", soft_wrap=True, highlight=False)
    console.print(f"Development token (no expiry):\n  {token}", soft_wrap=True, highlight=False)
    for api, store in stores.items():
        console.print(f"Try {api}:", soft_wrap=True)
        console.print("  " + example_curl(base, api, store, token), soft_wrap=True, markup=False, highlight=False)
