"""`mockserver fuzz`: the contract run's options."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mockserver.cli.fuzz_options import polite, polite_fields
from mockserver.cli.params import API_CHOICE, SHARD, SIZE, HeaderType, report_option, secret
from mockserver.contract.options import DEFAULT_MAX_EXAMPLES, TargetKind
from mockserver.core.openapi import ApiId

DEFAULT_REPORT_DIR = Path("mockserver-report")


def _fuzz_secret(flag: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(flag, default=None, envvar=secret("fuzz", flag.lstrip("-").replace("-", "_")), help=help)


@click.command()
@click.option("--api", type=API_CHOICE, required=True)
@click.option(
    "--target",
    required=True,
    metavar="BASE_URL",
    help="Where the spec's paths are appended (e.g. http://127.0.0.1:8000/main for interventions).",
)
@_fuzz_secret("--token", "Bearer token (default: a development token the mock accepts).")
@_fuzz_secret("--unscoped-token", "A token without calendar.event.read, to test the 403.")
@_fuzz_secret("--expired-token", "A token the target issued that has expired, to test that it is refused.")
@click.option(
    "--target-kind",
    type=click.Choice(["mock", "deployment"]),
    default=None,
    help="Hold the target to the API's rules and the mock's own (mock) or to the API's alone (deployment); "
    "default: mock when the target says so at /.well-known/mockserver.",
)
@_fuzz_secret("--session-token", "x-session-token for interventions.")
@click.option(
    "--header",
    "headers",
    type=HeaderType(),
    multiple=True,
    envvar=secret("fuzz", "headers"),
    help="An extra header (repeatable; from the environment, one a line).",
)
@click.option(
    "--max-examples",
    type=click.IntRange(1, 100_000),
    default=DEFAULT_MAX_EXAMPLES,
    show_default=True,
    help="Generated examples per phase and generation mode.",
)
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True, help="Generation seed.")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Per request, in all: connect, headers, whole body.",
)
@click.option(
    "--max-body",
    type=SIZE,
    default="10MB",
    show_default=True,
    metavar="SIZE",
    help="Largest response body read (also decompressed), e.g. 512KB or 50MB; a larger one is a failure.",
)
@report_option(
    help="Reports to write into --report-dir, comma-separated: html, har, vcr, ndjson, json, pytest, allure "
    "(Schemathesis's own), junit (one case per check), markdown, semantic."
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help=f"Where the reports and results.json go (default with --report or --shard: {DEFAULT_REPORT_DIR}).",
)
@click.option(
    "--junit", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the JUnit report here."
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Accepted known failures (Schemathesis's baseline file; written from this run when it does not exist).",
)
@click.option(
    "--max-time",
    type=click.FloatRange(1, 7 * 24 * 3600),
    default=None,
    metavar="SECONDS",
    help="Fuzz until this much time is spent (Schemathesis repeats its phases within it).",
)
@click.option("--shard", type=SHARD, default=None, metavar="I/N", help="Run shard I of N (distinct seeds).")
@click.option("--reveal-credentials", is_flag=True, help="Print real tokens in curl commands and reports.")
@polite
def fuzz(
    api: ApiId,
    target: str,
    token: str | None,
    unscoped_token: str | None,
    expired_token: str | None,
    target_kind: TargetKind | None,
    session_token: str | None,
    headers: tuple[tuple[str, str], ...],
    max_examples: int,
    seed: int,
    timeout: float,
    max_body: int,
    reports: tuple[str, ...] | None,
    report_dir: Path | None,
    junit: Path | None,
    baseline: Path | None,
    max_time: float | None,
    shard: tuple[int, int] | None,
    reveal_credentials: bool,
    **politely: Any,
) -> None:
    """Fuzz a deployment against the spec of one API.

    Exit 0 clean, 1 violations, 2 usage error or unusable target, 3 no violation but some checks not exercised,
    130 Ctrl-C.
    """
    from mockserver.contract.commands.fuzz import fuzz as run_fuzz  # noqa: PLC0415 (keeps other commands light)
    from mockserver.contract.options import FuzzOptions  # noqa: PLC0415

    if not target.startswith(("http://", "https://")):
        raise click.BadParameter(f"{target!r} is not an http(s) URL", param_hint="--target")
    options = FuzzOptions(
        api=api,
        target=target,
        token=token,
        unscoped_token=unscoped_token,
        expired_token=expired_token,
        target_kind=target_kind,
        session_token=session_token,
        headers=headers,
        max_examples=max_examples,
        seed=seed,
        max_body=max_body,
        junit=junit,
        reports=reports or (),
        report_dir=report_dir or (DEFAULT_REPORT_DIR if reports or shard else None),
        baseline=baseline,
        max_time=max_time,
        shard=shard or (1, 1),
        reveal_credentials=reveal_credentials,
        **polite_fields(politely, timeout),
    )
    code, _ = run_fuzz(options)
    sys.exit(code)
