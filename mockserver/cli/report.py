"""`mockserver report`: work with the reports of contract runs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mockserver.cli.params import report_option


@click.group()
def report() -> None:
    """Work with the reports of contract runs."""


@report.command()
@click.argument(
    "directories",
    nargs=-1,
    required=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    metavar="DIR...",
)
@click.option(
    "--report-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="OUT",
    help="Where the merged results.json and reports go.",
)
@report_option(help="Reports to write: markdown, semantic.")
def merge(directories: tuple[Path, ...], report_dir: Path, reports: tuple[str, ...] | None) -> None:
    """Merge the results of the shards of one run (each --report-dir of mockserver fuzz --shard I/N) into one verdict.

    Exit codes as mockserver fuzz: 0 clean, 1 violations, 2 usage error or a shard that could not run, 3 no
    violation but some checks exercised by no shard.
    """
    from mockserver.contract.commands.merge import merge_reports  # noqa: PLC0415 (keeps other commands light)

    sys.exit(merge_reports(directories, report_dir, reports or ()))
