"""`mockserver serve`: the mock server's options."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from mockserver.apis import names
from mockserver.cli.params import ANCHOR, COUNT, SEED, FixtureType, LatencyType, secret
from mockserver.core.listening import BindError
from mockserver.core.openapi import ApiId
from mockserver.server.chaos import FAULTS, Chaos, Fault
from mockserver.server.settings import DEFAULT_JOURNAL_BYTES, Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="MOCKSERVER_HOST", help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, envvar="MOCKSERVER_PORT")
@click.option("--api", type=click.Choice(["all", *names()]), default="all", show_default=True)
@SEED
@COUNT
@ANCHOR
@click.option(
    "--fixtures",
    "fixtures",
    type=FixtureType(),
    multiple=True,
    help="Serve records from a JSON or YAML file instead of generated ones (repeatable).",
)
@click.option(
    "--accept-token",
    "accept_tokens",
    multiple=True,
    metavar="TOKEN",
    envvar=secret("serve", "accept_tokens"),
    help="Also accept this opaque bearer token, with every scope (repeatable).",
)
@click.option("--validate-responses", is_flag=True, help="Validate every response against the spec (slower).")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes; each serves identical data.",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Allow only these origins (repeatable; default: any origin).",
)
@click.option(
    "--latency", type=LatencyType(), default=None, help="Delay each API request MIN-MAX ms (same request, same delay)."
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of API requests that fail with --fault.",
)
@click.option("--fault", type=click.Choice(FAULTS), default="503", show_default=True)
@click.option("--reload", is_flag=True, help="Reload when a spec or fixture file changes.")
@click.option(
    "--journal",
    type=click.IntRange(0, 1_000_000),
    default=1000,
    show_default=True,
    metavar="N",
    help="Keep the latest N requests in the journal at /__mock/ (0: off).",
)
@click.option(
    "--journal-bytes",
    type=click.IntRange(64 * 1024, 2**40),
    default=DEFAULT_JOURNAL_BYTES,
    show_default=True,
    metavar="BYTES",
    help="What the journal's entries may weigh together; the oldest leave first (each value is cut at 2 KiB).",
)
@click.option(
    "--admin-token",
    default=None,
    metavar="TOKEN",
    envvar=secret("serve", "admin_token"),
    help="Open /__mock/ beyond loopback, to requests carrying Authorization: Bearer TOKEN. A flag shows in the "
    "process list: prefer the environment variable MOCKSERVER_ADMIN_TOKEN.",
)
@click.option(
    "--state",
    "state",
    default=None,
    metavar="URL",
    envvar="MOCKSERVER_STATE",
    callback=lambda ctx, param, value: _state_url(value),
    help="Share the journal and scenarios with other replicas through Redis: redis://HOST:PORT/DB (also "
    "MOCKSERVER_STATE). Default: shared by this server's workers only.",
)
@click.option(
    "--head-timeout",
    type=click.FloatRange(0.1, 3600),
    default=20.0,
    show_default=True,
    metavar="SECONDS",
    help="Close a connection whose request head has not arrived within this (slow or stalled clients).",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1, 1_000_000),
    default=1000,
    show_default=True,
    help="Concurrent connections per worker; requests beyond them are answered 503.",
)
@click.option(
    "--max-connections-per-client",
    type=click.IntRange(0, 1_000_000),
    default=256,
    show_default=True,
    help="Open connections from one peer address (0: no cap); beyond, 503. Turn it off (0) behind a proxy or an "
    "ingress, where every user shares one address.",
)
@click.option(
    "--max-header-bytes",
    type=click.IntRange(1024, 16 * 1024 * 1024),
    default=64 * 1024,
    show_default=True,
    help="The request line and headers together; beyond, 431.",
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(0, 1024 * 1024 * 1024),
    default=1024 * 1024,
    show_default=True,
    help="A request body; beyond, 413.",
)
@click.option(
    "--drain-timeout",
    type=click.FloatRange(0, 3600),
    default=3.0,
    show_default=True,
    metavar="SECONDS",
    help="On SIGTERM, how long answers in flight may take to finish (connections still sending close at once).",
)
def serve(
    host: str,
    port: int,
    api: str,
    seed: int,
    count: int,
    anchor: date,
    fixtures: tuple[tuple[ApiId, Path], ...],
    accept_tokens: tuple[str, ...],
    validate_responses: bool,
    workers: int,
    cors_origins: tuple[str, ...],
    latency: tuple[int, int] | None,
    fault_rate: float,
    fault: Fault,
    reload: bool,
    journal: int,
    journal_bytes: int,
    admin_token: str | None,
    state: str | None,
    head_timeout: float,
    max_connections: int,
    max_connections_per_client: int,
    max_header_bytes: int,
    max_body_bytes: int,
    drain_timeout: float,
) -> None:
    """Serve the APIs (interventions under /main, events at /) until interrupted."""
    apis = names() if api == "all" else (api,)
    settings = Settings(
        apis=apis,
        seed=seed,
        count=count,
        anchor=anchor,
        fixtures=dict(fixtures),
        accepted_tokens=frozenset(accept_tokens),
        validate_responses=validate_responses,
        cors_origins=cors_origins or ("*",),
        chaos=Chaos(latency_ms=latency, fault_rate=fault_rate, fault=fault, seed=seed),
        journal=journal,
        journal_bytes=journal_bytes,
        admin_token=admin_token,
        state=state,
    )
    if reload and workers > 1:
        raise click.UsageError("--reload serves with one worker; drop --workers")
    if reload and state is not None:
        raise click.UsageError("--reload serves its own state; drop --state")
    from mockserver.server import serving  # noqa: PLC0415 (the server's imports cost a second; other commands skip them)

    try:
        limits = serving.Limits(
            head_timeout_s=head_timeout,
            max_connections=max_connections,
            max_per_client=max_connections_per_client,
            max_head_bytes=max_header_bytes,
            max_body_bytes=max_body_bytes,
            drain_timeout_s=drain_timeout,
        )
        serving.serve(settings, host, port, workers, reload=reload, limits=limits)
    except BindError as exc:
        raise click.ClickException(str(exc)) from None
    except serving.StoreUnavailableError as exc:
        raise _Unreachable(str(exc)) from None


class _Unreachable(click.ClickException):
    exit_code = 2  # as for a target out of reach in `fuzz`


def _state_url(value: str | None) -> str | None:
    if value is None or value.startswith(("redis://", "rediss://", "unix://")):
        return value
    raise click.BadParameter(f"{value!r} is not a redis:// URL (redis://HOST:PORT/DB)", param_hint="--state")
