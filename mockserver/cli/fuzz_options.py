"""The options of `mockserver fuzz` that are st run's: how the tester sends, and a long run's credentials."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import click

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
