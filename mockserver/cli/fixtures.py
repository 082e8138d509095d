"""`mockserver fixtures`: the generated records as JSON."""

from __future__ import annotations

import sys
from datetime import date

import click

from mockserver.cli.params import ANCHOR, API_CHOICE, COUNT, SEED
from mockserver.core.openapi import ApiId
from mockserver.server.settings import anchor_micros


@click.command()
@click.option("--api", type=API_CHOICE, required=True)
@SEED
@COUNT
@ANCHOR
def fixtures(api: ApiId, seed: int, count: int, anchor: date) -> None:
    """Write the generated records as JSON to stdout (the format --fixtures reads back)."""
    from mockserver.apis import table  # noqa: PLC0415 (as for serve)
    from mockserver.apis.datasets import dump_records, generated_store  # noqa: PLC0415

    out = sys.stdout.buffer
    out.write(b"[")
    for n, record in enumerate(dump_records(generated_store(table(api), seed, count, anchor_micros(anchor)))):
        out.write(b"\n" if n == 0 else b",\n")
        out.write(record)
    out.write(b"\n]\n")
