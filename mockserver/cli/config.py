"""The settings' layers (settings file, environment, schemathesis.toml) and `mockserver config`, which shows them."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Any, cast

import click
from click.core import ParameterSource

from mockserver.core.configfile import SECRETS, ConfigFile, read_config
from mockserver.core.credentials import fingerprint

ENV_PREFIX = "MOCKSERVER"  # click's auto_envvar_prefix: MOCKSERVER_SERVE_PORT, MOCKSERVER_FUZZ_SEED, ...

SETTABLE = ("serve", "fuzz")  # the commands a settings file and the environment set options of


def settings_file(group: click.Group) -> ConfigFile:
    """The settings file of the working directory, its sections checked against the options of ``group``'s commands."""
    commands = group.commands
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


@click.command()
@click.pass_context
def config(ctx: click.Context) -> None:
    """Print the effective settings of serve and fuzz and where each came from (secrets as fingerprints)."""
    group = cast(click.Group, ctx.find_root().command)  # the `mockserver` group this command is one of
    file = settings_file(group)
    root = click.Context(group, info_name="mockserver", auto_envvar_prefix=ENV_PREFIX, default_map=file.default_maps())
    root.obj = file.path
    click.echo(f"settings file: {file.path or 'none (mockserver.toml or [tool.mockserver] of pyproject.toml)'}")
    for name in SETTABLE:
        click.echo(f"\n[{name}]")
        rows = _effective(group.commands[name], root)
        width = max(len(option) for option, _, _ in rows)
        for option, value, where in rows:
            click.echo(f"  {option:<{width}}  {value}  ({where})")


def schemathesis_toml() -> dict[str, dict[str, Any]]:
    """The layer below mockserver.toml for fuzz: the settings of the user's schemathesis.toml that map to its
    options (read only for `mockserver fuzz`; hooks are not loaded)."""
    if sys.argv[1:2] != ["fuzz"]:
        return {}
    from mockserver.contract.schemathesis.toml import SchemathesisTomlError, fuzz_defaults  # noqa: PLC0415

    try:
        return {"fuzz": fuzz_defaults()}
    except SchemathesisTomlError as exc:
        raise click.UsageError(str(exc)) from None
