"""`mockserver token`: a development JWT."""

from __future__ import annotations

import click

from mockserver.apis import names
from mockserver.core.tokens import mint_token


@click.command()
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    metavar="S",
    help="A scope to grant (repeatable; default: every scope the APIs' specs name).",
)
@click.option("--expires-in", type=int, default=None, metavar="SECONDS", help="Set exp this many seconds from now.")
def token(scopes: tuple[str, ...], expires_in: int | None) -> None:
    """Print a development JWT (unsigned in spirit: the mock never checks signatures)."""
    if not scopes:
        from mockserver.apis import scopes as named  # noqa: PLC0415 (reads the specs; other commands skip it)

        scopes = named(names())
    click.echo(mint_token(scopes, expires_in=expires_in))
