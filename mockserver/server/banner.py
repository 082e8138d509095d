"""The start-up banner: where each API is, a token to call it with, the data's range and a curl per API."""

from __future__ import annotations

import shlex

from rich.console import Console

from mockserver.apis import mapping
from mockserver.core.instants import format_instant
from mockserver.core.openapi import ApiId, operation
from mockserver.core.store import Store

__all__ = ["example_curl", "print_banner"]


def _window(store: Store, api: ApiId) -> tuple[str, str]:
    times = store.columns.times
    if store.columns.count == 0:
        return "2025-01-01T00:00:00.000Z", "2025-01-02T00:00:00.000Z"
    first = min(int(v.min()) for v in times.values())
    last = max(int(v.max()) for v in times.values())
    return format_instant(first), format_instant(last + 1000)


def example_curl(base: str, api: ApiId, store: Store, token: str) -> str:
    low, high = _window(store, api)
    if api == "interventions":
        query = f"scheduledStart={low}&scheduledEnd={high}&includeSites=false&includeCount=true&pageSize=5"
        headers = ["-H", f"Authorization: Bearer {token}", "-H", "x-session-token: dev", "-H",
                   "content-type: application/json"]
    else:
        query = f"from={low}&to={high}&limit=5"
        headers = ["-H", f"Authorization: Bearer {token}"]
    url = f"{base}{mapping(api).base_path}{operation(api).path}?{query}"
    return shlex.join(["curl", "-s", *headers, url])


def print_banner(console: Console, base: str, stores: dict[ApiId, Store], token: str, seed: int) -> None:
    console.print(f"[bold]mockserver[/bold] on {base} (seed {seed})", soft_wrap=True)
    for api, store in stores.items():
        prefix = f"{base}{mapping(api).base_path}"
        low, high = _window(store, api)
        console.print(
            f"  [bold]{api}[/bold]: {prefix}{operation(api).path}  (Swagger UI {prefix}/ui/)\n"
            f"    {store.columns.count} records, {low} … {high}",
            soft_wrap=True,
            highlight=False,
        )
    console.print(f"  health: {base}/healthz", soft_wrap=True, highlight=False)
    console.print(f"Development token (no expiry):\n  {token}", soft_wrap=True, highlight=False)
    for api, store in stores.items():
        console.print(f"Try {api}:", soft_wrap=True)
        console.print("  " + example_curl(base, api, store, token), soft_wrap=True, markup=False, highlight=False)
