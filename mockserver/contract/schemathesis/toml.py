"""Defaults for ``mockserver fuzz``'s options from the user's ``schemathesis.toml``, found as ``st run`` finds it
(the current folder, then its parents up to a repository's root) and checked by Schemathesis's own loader.

Only the settings that map to fuzz's options are read; hooks (``hooks = ...``) are not loaded. The defaults go
below the environment and the command line (click's ``default_map``)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from schemathesis.config import ConfigError, SchemathesisConfig

__all__ = ["SchemathesisTomlError", "fuzz_defaults"]

# schemathesis.toml's top-level keys -> fuzz's option names
_KEYS = {
    "rate-limit": "rate_limit",
    "workers": "workers",
    "request-timeout": "request_timeout",
    "tls-verify": "tls_verify",
    "request-cert": "request_cert",
    "request-cert-key": "request_cert_key",
    "proxy": "request_proxy",
    "max-failures": "max_failures",
}


class SchemathesisTomlError(Exception):
    """The schemathesis.toml found is not one Schemathesis would read; the message names it."""


def _find(start: Path) -> Path | None:
    """schemathesis.toml in ``start`` or its parents, stopping at a repository's root, as ``st run`` looks."""
    for folder in (start, *start.parents):
        if (folder / "schemathesis.toml").is_file():
            return folder / "schemathesis.toml"
        if (folder / ".git").is_dir():
            return None
    return None


def fuzz_defaults() -> dict[str, Any]:
    """The defaults the schemathesis.toml found gives fuzz's options (none when there is no such file)."""
    path = _find(Path.cwd())
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        data.pop("hooks", None)  # never loaded: the file is read for settings only
        SchemathesisConfig.from_dict(data, base_dir=str(path.parent))  # refused as Schemathesis refuses it
    except (ConfigError, tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise SchemathesisTomlError(f"schemathesis.toml: {str(exc).strip().splitlines()[0]}") from None
    found = {option: data[key] for key, option in _KEYS.items() if key in data}
    if isinstance(found.get("tls_verify"), bool):
        found["tls_verify"] = "true" if found["tls_verify"] else "false"
    checks = data.get("checks", {})
    if isinstance(checks.get("max_response_time"), int | float):
        found["max_response_time"] = checks["max_response_time"]
    off = sorted(name for name, value in checks.items() if isinstance(value, dict) and value.get("enabled") is False)
    if off:
        found["exclude_checks"] = ",".join(off)
    return found
