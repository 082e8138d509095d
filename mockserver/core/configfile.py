"""The settings file of the command line: ``mockserver.toml`` (tables ``[serve]``, ``[fuzz]``, ...) or, without it,
``[tool.mockserver.serve]``, ``[tool.mockserver.fuzz]``, ... of ``pyproject.toml``, in the working directory (or
the file ``MOCKSERVER_CONFIG`` names).

This module only reads the file and says what it holds, per command, as the values click's own ``default_map``
takes (keys are the options' parameter names: ``max-examples`` and ``max_examples`` alike). Click does the rest:
the environment (``auto_envvar_prefix``: ``MOCKSERVER_SERVE_PORT``, ``MOCKSERVER_FUZZ_SEED``, each command its own
names) wins over the file, and a flag over both. A layer below the file (another tool's settings) is merged under
``default_maps`` by the caller. Secrets (tokens, extra headers) are never read from a file: one named in it is a
``ConfigError`` saying which environment variable to use instead.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CONFIG_VARIABLE", "SECRETS", "ConfigError", "ConfigFile", "find_config", "read_config"]

CONFIG_VARIABLE = "MOCKSERVER_CONFIG"  # names the settings file to read instead of the working directory's
OWN_FILE = "mockserver.toml"
PYPROJECT = "pyproject.toml"
# Per command, the parameters that hold credentials (from the environment or the command line only), and the
# environment variable each is read from: the names the curl lines of the inspector and the fuzzer use.
SECRETS: Mapping[str, Mapping[str, str]] = {
    "serve": {"admin_token": "MOCKSERVER_ADMIN_TOKEN", "accept_tokens": "MOCKSERVER_ACCEPT_TOKENS"},
    "fuzz": {
        "token": "MOCKSERVER_TOKEN",
        "unscoped_token": "MOCKSERVER_UNSCOPED_TOKEN",
        "expired_token": "MOCKSERVER_EXPIRED_TOKEN",
        "session_token": "MOCKSERVER_SESSION_TOKEN",
        "headers": "MOCKSERVER_FUZZ_HEADERS",
    },
}


class ConfigError(ValueError):
    """A settings file that cannot be used; the message is the one line to print."""


@dataclass(frozen=True)
class ConfigFile:
    """What a settings file holds per command (``default_map`` values), and where it is (None: no file)."""

    path: Path | None
    commands: dict[str, dict[str, Any]] = field(default_factory=dict)

    def default_maps(self, below: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
        """Click's ``default_map`` for the group: per command, this file's values over ``below``'s (a lower layer)."""
        merged = {name: dict(values) for name, values in (below or {}).items()}
        for name, values in self.commands.items():
            merged.setdefault(name, {}).update(values)
        return merged


def find_config(directory: Path, environ: Mapping[str, str] = os.environ) -> tuple[Path, bool] | None:
    """The settings file to read and whether it is a pyproject.toml (its ``[tool.mockserver]``), or None."""
    named = environ.get(CONFIG_VARIABLE)
    if named:
        path = Path(named)
        return path, path.name == PYPROJECT
    if (directory / OWN_FILE).is_file():
        return directory / OWN_FILE, False
    if (directory / PYPROJECT).is_file():
        return directory / PYPROJECT, True
    return None


def read_config(
    directory: Path, known: Mapping[str, frozenset[str]], environ: Mapping[str, str] = os.environ
) -> ConfigFile:
    """The settings file found from ``directory``, checked against ``known`` (command -> its parameter names)."""
    found = find_config(directory, environ)
    if found is None:
        return ConfigFile(None)
    path, in_pyproject = found
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not TOML ({exc})") from None
    tables = document.get("tool", {}).get("mockserver") if in_pyproject else document
    if tables is None:
        return ConfigFile(None)  # a project's pyproject.toml without our table: no settings file
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: [tool.mockserver] is not a table")
    commands: dict[str, dict[str, Any]] = {}
    for command, table in tables.items():
        label = f"[{'tool.mockserver.' if in_pyproject else ''}{command}]"
        if command not in known:
            raise ConfigError(f"{path}: {label} names no command with settings (one of {', '.join(sorted(known))})")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {label} is not a table")
        commands[command] = _values(path, label, command, table, known[command])
    return ConfigFile(path, commands)


def _values(path: Path, label: str, command: str, table: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    values = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        variable = SECRETS.get(command, {}).get(name)
        if variable is not None:
            raise ConfigError(
                f"{path}: {label} {key} is a secret, never read from a file: set it in the environment ({variable}) "
                "instead"
            )
        if name not in names:
            raise ConfigError(f"{path}: {label} {key} is not an option of mockserver {command}")
        values[name] = value
    return values
