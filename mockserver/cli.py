"""The command line: argument parsing only; every command's work lives in its own module."""

from __future__ import annotations

import enum
import functools
import importlib
import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import click
from click.core import ParameterSource

from mockserver.apis import names
from mockserver.contract.options import DEFAULT_MAX_EXAMPLES, TargetKind
from mockserver.core.configfile import SECRETS, ConfigError, ConfigFile, read_config
from mockserver.core.credentials import fingerprint
from mockserver.core.listening import BindError
from mockserver.core.openapi import ApiId, SpecError
from mockserver.core.tokens import mint_token
from mockserver.server.chaos import FAULTS, Chaos, Fault
from mockserver.server.settings import DEFAULT_ANCHOR, DEFAULT_COUNT, DEFAULT_JOURNAL_BYTES, Settings, anchor_micros

__all__ = ["main"]


# The generators write instants up to about 490 days before the anchor and 580 days after it (events: starts within
# a year, created up to 120 days earlier, long events and edits up to 210 days later); RFC 3339 has years 0000 to
# 9999 only, so an anchor keeps two years clear of both ends (tests/test_cli.py checks every record at both bounds).
ANCHOR_RANGE = (date(2, 1, 1), date(9997, 12, 31))


class AnchorType(click.ParamType):  # type: ignore[type-arg]
    name = "DATE|today"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            day = value
        elif value == "today":
            day = datetime.now(UTC).date()
        else:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                self.fail(f"{value!r} is not a date (expected YYYY-MM-DD or 'today')", param, ctx)
        low, high = ANCHOR_RANGE
        if not low <= day <= high:
            self.fail(
                f"{value!r} is outside {low.isoformat()} to {high.isoformat()} (records' instants must stay within "
                "years 0000-9999, as RFC 3339 writes them)",
                param,
                ctx,
            )
        return day


class LatencyType(click.ParamType):  # type: ignore[type-arg]
    name = "MIN-MAX"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, int]:
        low, sep, high = str(value).partition("-")
        if not (sep and low.isdigit() and high.isdigit() and int(low) <= int(high) <= 60_000):
            self.fail(f"{value!r} is not MIN-MAX milliseconds (0 <= MIN <= MAX <= 60000)", param, ctx)
        return int(low), int(high)


class FixtureType(click.ParamType):  # type: ignore[type-arg]
    name = "API=FILE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[ApiId, Path]:
        api, sep, file = str(value).partition("=")
        if not sep or api not in names() or not file:
            self.fail(f"{value!r} is not API=FILE with API one of {', '.join(names())}", param, ctx)
        return api, Path(file)


API_CHOICE = click.Choice(names())
SEED = click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True, help="Data seed.")
COUNT = click.option(
    "--count", type=click.IntRange(0, 10_000_000), default=DEFAULT_COUNT, show_default=True, help="Records per API."
)
ANCHOR = click.option(
    "--anchor",
    type=AnchorType(),
    default=DEFAULT_ANCHOR.isoformat(),
    show_default=True,
    help="The date the data is centred on, or 'today'.",
)


ENV_PREFIX = "MOCKSERVER"  # click's auto_envvar_prefix: MOCKSERVER_SERVE_PORT, MOCKSERVER_FUZZ_SEED, ...


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mockserver", prog_name="mockserver", message="%(prog)s %(version)s")
def cli() -> None:
    """Calendar mock & contract kit: serve the calendar APIs, fuzz a target against their specs.

    Options of serve and fuzz also come from the environment (MOCKSERVER_<COMMAND>_<OPTION>, e.g.
    MOCKSERVER_SERVE_SEED; MOCKSERVER_PORT and MOCKSERVER_HOST for serve) and from mockserver.toml ([serve], [fuzz])
    or pyproject.toml ([tool.mockserver.serve], ...): a flag wins over the environment, which wins over the file.
    Secrets come from the environment only. `mockserver config` shows what applies and where it came from.
    """


def _secret(command: str, name: str) -> str:
    """The environment variable a secret option is read from (a settings file never holds it)."""
    return SECRETS[command][name]


def _fuzz_secret(flag: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(flag, default=None, envvar=_secret("fuzz", flag.lstrip("-").replace("-", "_")), help=help)


@cli.command()
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
    envvar=_secret("serve", "accept_tokens"),
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
    envvar=_secret("serve", "admin_token"),
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


@cli.command()
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


@cli.command()
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


class HeaderType(click.ParamType):  # type: ignore[type-arg]
    name = "NAME:VALUE"
    envvar_list_splitter = "\n"  # a header value holds spaces

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        if isinstance(value, tuple):
            return cast(tuple[str, str], value)
        name, sep, rest = str(value).partition(":")
        if not sep or not name.strip():
            self.fail(f"{value!r} is not NAME:VALUE", param, ctx)
        return name.strip(), rest.strip()


class ParsedType(click.ParamType):  # type: ignore[type-arg]
    """A value read by a parser of the package (imported on first use: other commands stay light) that raises
    ValueError with the message to show."""

    def __init__(self, name: str, parser: str, parsed: type) -> None:
        self.name = name
        self.parser = parser  # "module:function"
        self.parsed = parsed  # what the parser returns (a default may already be one)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, self.parsed):
            return value
        module, _, function = self.parser.partition(":")
        try:
            return getattr(importlib.import_module(module), function)(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


SIZE = ParsedType("SIZE", "mockserver.contract.options:parse_size", int)
FORMATS = ParsedType("FORMATS", "mockserver.contract.reports.formats:parse_formats", tuple)
SHARD = ParsedType("I/N", "mockserver.contract.options:parse_shard", tuple)
report_option = functools.partial(click.option, "--report", "reports", type=FORMATS, default=None, metavar="FORMATS")


DEFAULT_REPORT_DIR = Path("mockserver-report")
FUZZ_ENV = "MOCKSERVER_FUZZ_"  # + the option's name in capitals: an environment default of the polite options


class RateType(click.ParamType):  # type: ignore[type-arg]
    name = "RATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from mockserver.contract.schemathesis.pacing import parse_rate_limit  # noqa: PLC0415

        try:
            parse_rate_limit(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return str(value).strip()


class TlsVerifyType(click.ParamType):  # type: ignore[type-arg]
    name = "true|false|CA_FILE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> bool | str:
        if isinstance(value, bool):
            return value
        text = str(value)
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        if not Path(text).is_file():
            self.fail(f"{text!r} is neither true, false nor a CA bundle file", param, ctx)
        return text


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(n.strip() for n in (text or "").split(",") if n.strip())


def polite(function: Any) -> Any:
    """The options of st run that say how the tester sends (st run's names), and the credentials of a long run;
    each also read from MOCKSERVER_FUZZ_<NAME> and, below that, from the user's schemathesis.toml."""
    env = functools.partial(click.option, show_envvar=True)
    options = [
        env(
            "--rate-limit",
            type=RateType(),
            envvar=f"{FUZZ_ENV}RATE_LIMIT",
            help="At most this many requests "
            "(st run's syntax: 15/s, 100/m); default: as fast as the target answers, slowing down on 429/503.",
        ),
        env(
            "--workers",
            type=click.IntRange(1, 64),
            default=1,
            envvar=f"{FUZZ_ENV}WORKERS",
            show_default=True,
            help="Requests in flight at once (within the one operation; the same --seed, the same requests).",
        ),
        env(
            "--request-timeout",
            type=click.FloatRange(0.1, 600),
            envvar=f"{FUZZ_ENV}REQUEST_TIMEOUT",
            metavar="SECONDS",
            help="st run's name for --timeout (the smaller applies when both are given).",
        ),
        env(
            "--max-response-time",
            type=click.FloatRange(0.001, 600),
            envvar=f"{FUZZ_ENV}MAX_RESPONSE_TIME",
            metavar="SECONDS",
            help="A slower answer is a violation of its own (max_response_time).",
        ),
        env(
            "--checks",
            "-c",
            "checks",
            envvar=f"{FUZZ_ENV}CHECKS",
            metavar="NAMES",
            help="Only these checks, comma-separated (Schemathesis's and the contract's).",
        ),
        env(
            "--exclude-checks",
            envvar=f"{FUZZ_ENV}EXCLUDE_CHECKS",
            metavar="NAMES",
            help="Not these checks, comma-separated.",
        ),
        env(
            "--max-failures",
            type=click.IntRange(1),
            envvar=f"{FUZZ_ENV}MAX_FAILURES",
            metavar="N",
            help="Stop once N failures were found.",
        ),
        env(
            "--tls-verify",
            type=TlsVerifyType(),
            default="true",
            envvar=f"{FUZZ_ENV}TLS_VERIFY",
            show_default=True,
            help="Check the target's TLS certificate: true, false, or a CA bundle file to check it with.",
        ),
        env(
            "--request-cert",
            type=click.Path(dir_okay=False, exists=True),
            envvar=f"{FUZZ_ENV}REQUEST_CERT",
            metavar="FILE",
            help="Client certificate (PEM) for mutual TLS.",
        ),
        env(
            "--request-cert-key",
            type=click.Path(dir_okay=False, exists=True),
            envvar=f"{FUZZ_ENV}REQUEST_CERT_KEY",
            metavar="FILE",
            help="Its private key, if not in the same file.",
        ),
        env(
            "--request-proxy",
            envvar=f"{FUZZ_ENV}REQUEST_PROXY",
            metavar="URL",
            help="Send every request through this HTTP(S) proxy.",
        ),
        env(
            "--token-command",
            envvar=f"{FUZZ_ENV}TOKEN_COMMAND",
            metavar="CMD",
            help="A shell command printing a bearer token: run at the start, before the token's exp, and when a "
            "token accepted earlier is refused.",
        ),
        env(
            "--token-url",
            envvar=f"{FUZZ_ENV}TOKEN_URL",
            metavar="URL",
            help="OAuth2 client credentials: the token endpoint (with --client-id; the secret from "
            f"{FUZZ_ENV}CLIENT_SECRET only).",
        ),
        env("--client-id", envvar=f"{FUZZ_ENV}CLIENT_ID", metavar="ID", help="OAuth2 client id."),
        env(
            "--token-scope",
            "token_scopes",
            multiple=True,
            envvar=f"{FUZZ_ENV}TOKEN_SCOPE",
            metavar="S",
            help="A scope to ask the token endpoint for (repeatable).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def polite_fields(values: dict[str, Any], timeout: float) -> dict[str, Any]:
    """FuzzOptions' fields from the polite options' values (``polite``)."""
    import os  # noqa: PLC0415

    secret = os.environ.get(f"{FUZZ_ENV}CLIENT_SECRET")
    if values["token_url"] and not (values["client_id"] and secret):
        raise click.UsageError(f"--token-url needs --client-id and the secret in {FUZZ_ENV}CLIENT_SECRET")
    if values["request_cert_key"] and not values["request_cert"]:
        raise click.UsageError("--request-cert-key needs --request-cert")
    asked = values["request_timeout"]
    return {
        "rate_limit": values["rate_limit"],
        "workers": values["workers"],
        "timeout": min(timeout, asked) if asked else timeout,
        "max_response_time": values["max_response_time"],
        "checks": _names(values["checks"]),
        "exclude_checks": _names(values["exclude_checks"]),
        "max_failures": values["max_failures"],
        "tls_verify": values["tls_verify"],
        "request_cert": values["request_cert"],
        "request_cert_key": values["request_cert_key"],
        "request_proxy": values["request_proxy"],
        "token_command": values["token_command"],
        "token_url": values["token_url"],
        "client_id": values["client_id"],
        "client_secret": secret if values["token_url"] else None,
        "scopes": tuple(values["token_scopes"]),
    }


@cli.command()
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
    envvar=_secret("fuzz", "headers"),
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


@cli.group()
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


@cli.command()
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


SETTABLE = ("serve", "fuzz")  # the commands a settings file and the environment set options of


def _settings_file() -> ConfigFile:
    commands = cli.commands
    return read_config(Path.cwd(), {name: frozenset(str(p.name) for p in commands[name].params) for name in SETTABLE})


_SOURCES = {
    ParameterSource.ENVIRONMENT: "environment",
    ParameterSource.DEFAULT_MAP: "file",
    ParameterSource.DEFAULT: "default",
}


def _effective(command: click.Command, parent: click.Context) -> list[tuple[str, str, str]]:
    """(option, value, where it came from) of each option of ``command``, as click resolves them with no flag."""
    ctx = click.Context(command, parent=parent, info_name=command.name)
    secrets = SECRETS.get(command.name or "", {})
    rows = []
    for param in command.params:
        if not isinstance(param, click.Option) or param.name is None or param.hidden:
            continue
        value, source = param.consume_value(ctx, {})
        where = _SOURCES.get(source, "default")
        if source is ParameterSource.ENVIRONMENT:
            where = f"environment {_variable_used(param, ctx)}"
        elif source is ParameterSource.DEFAULT_MAP:
            where = f"file {parent.obj}"
        shown = _shown(value, param.name in secrets)
        rows.append((param.opts[0], shown, where))
    return rows


def _variable_used(param: click.Option, ctx: click.Context) -> str:
    named = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or [])
    automatic = f"{ctx.auto_envvar_prefix}_{(param.name or '').upper()}" if ctx.auto_envvar_prefix else None
    return next((n for n in [*named, automatic] if n is not None and os.environ.get(n)), "?")


def _shown(value: Any, secret: bool) -> str:
    unset = isinstance(value, enum.Enum) and value.name == "UNSET"  # click's marker of no value at all
    if unset or value is None or value in ((), []):
        return "(not set)"
    if secret:
        values = value if isinstance(value, tuple) else (value,)
        return ", ".join(fingerprint(str(v)) for v in values)
    return " ".join(map(str, value)) if isinstance(value, tuple) else str(value)


@cli.command()
@click.pass_context
def config(ctx: click.Context) -> None:
    """Print the effective settings of serve and fuzz and where each came from (secrets as fingerprints)."""
    file = _settings_file()
    root = click.Context(cli, info_name="mockserver", auto_envvar_prefix=ENV_PREFIX, default_map=file.default_maps())
    root.obj = file.path
    click.echo(f"settings file: {file.path or 'none (mockserver.toml or [tool.mockserver] of pyproject.toml)'}")
    group = cli
    for name in SETTABLE:
        click.echo(f"\n[{name}]")
        rows = _effective(group.commands[name], root)
        width = max(len(option) for option, _, _ in rows)
        for option, value, where in rows:
            click.echo(f"  {option:<{width}}  {value}  ({where})")


def _schemathesis_toml() -> dict[str, dict[str, Any]]:
    """The layer below mockserver.toml for fuzz: the settings of the user's schemathesis.toml that map to its
    options (read only for `mockserver fuzz`; hooks are not loaded)."""
    if sys.argv[1:2] != ["fuzz"]:
        return {}
    from mockserver.contract.schemathesis.toml import SchemathesisTomlError, fuzz_defaults  # noqa: PLC0415

    try:
        return {"fuzz": fuzz_defaults()}
    except SchemathesisTomlError as exc:
        raise click.UsageError(str(exc)) from None


def main() -> None:
    """Run the CLI; usage and data errors are one line on stderr and a non-zero exit, never a traceback."""
    try:
        file = _settings_file()
    except ConfigError as exc:
        click.echo(f"mockserver: {exc}", err=True)
        sys.exit(2)
    try:
        below = _schemathesis_toml()
        cli.main(standalone_mode=False, auto_envvar_prefix=ENV_PREFIX, default_map=file.default_maps(below))
    except click.exceptions.Abort:
        sys.exit(130)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "mockserver"
        click.echo(f"{command}: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"mockserver: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except SpecError as exc:
        click.echo(f"mockserver: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
