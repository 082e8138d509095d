"""`mockserver proxy`: the validating proxy's options."""

from __future__ import annotations

import click

from mockserver.cli.params import API_CHOICE
from mockserver.core.openapi import ApiId


@click.command()
@click.option("--api", type=API_CHOICE, required=True)
@click.option(
    "--upstream",
    required=True,
    metavar="URL",
    help="Where the spec's paths are appended (e.g. http://127.0.0.1:8000/main for interventions).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option("--strict", is_flag=True, help="Answer 502 instead of an upstream response that violates the spec.")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Per upstream request.",
)
def proxy(api: ApiId, upstream: str, host: str, port: int, strict: bool, timeout: float) -> None:
    """Forward to a real backend, logging every request and response that violates the spec (one line each)."""
    from mockserver.proxy.app import ProxyError, ProxyOptions, run_proxy  # noqa: PLC0415 (keeps other commands light)

    if not upstream.startswith(("http://", "https://")):
        raise click.BadParameter(f"{upstream!r} is not an http(s) URL", param_hint="--upstream")
    try:
        run_proxy(ProxyOptions(api=api, upstream=upstream, strict=strict, timeout=timeout), host, port)
    except ProxyError as exc:
        raise click.ClickException(str(exc)) from None
