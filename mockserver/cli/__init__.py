"""The command line: argument parsing only; every command's work lives in its own module."""

from __future__ import annotations

import sys

import click

from mockserver.cli import config, fixtures, fuzz, proxy, report, serve, tokens
from mockserver.core.configfile import ConfigError
from mockserver.core.openapi import SpecError

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mockserver", prog_name="mockserver", message="%(prog)s %(version)s")
def cli() -> None:
    """Calendar mock & contract kit: serve the calendar APIs, fuzz a target against their specs.

    Options of serve and fuzz also come from the environment (MOCKSERVER_<COMMAND>_<OPTION>, e.g.
    MOCKSERVER_SERVE_SEED; MOCKSERVER_PORT and MOCKSERVER_HOST for serve) and from mockserver.toml ([serve], [fuzz])
    or pyproject.toml ([tool.mockserver.serve], ...): a flag wins over the environment, which wins over the file.
    Secrets come from the environment only. `mockserver config` shows what applies and where it came from.
    """


for _command in (
    serve.serve,
    fixtures.fixtures,
    tokens.token,
    fuzz.fuzz,
    report.report,
    proxy.proxy,
    config.config,
):
    cli.add_command(_command)


def main() -> None:
    """Run the CLI; usage and data errors are one line on stderr and a non-zero exit, never a traceback."""
    try:
        file = config.settings_file(cli)
    except ConfigError as exc:
        click.echo(f"mockserver: {exc}", err=True)
        sys.exit(2)
    try:
        below = config.schemathesis_toml()
        cli.main(standalone_mode=False, auto_envvar_prefix=config.ENV_PREFIX, default_map=file.default_maps(below))
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
