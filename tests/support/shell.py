"""A curl command pasted into a real ``bash``, with ``curl`` a stub on ``PATH`` that writes down the argv it got.

The oracle of the curl builders (``core.curl`` and what serves it): what bash hands curl, and what else ran (a
planted ``touch PWNED`` leaves a file in the directory the command ran in).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PLANTED", "PWNED", "Pasted", "paste"]

PWNED = "PWNED"  # the file a planted command would create in the directory the command runs in
# Fragments that run `touch PWNED` if a builder leaves them unquoted (or quoted the wrong way).
PLANTED = (
    "'",
    '"',
    "\\",
    "$(touch PWNED)",
    "`touch PWNED`",
    "'$(touch PWNED)'",
    '"$(touch PWNED)"',
    "; touch PWNED;",
    "' ; touch PWNED ; '",
    "\ntouch PWNED\n",
    "'\ntouch PWNED\n'",
    "&& touch PWNED",
    "| touch PWNED",
    "$MOCKSERVER_TOKEN",
    "${MOCKSERVER_TOKEN}",
    "\r",
    "\t",
    "é✓",
)

_STUB = """#!/bin/sh
printf '%s\\000' "$@" > "$STUB_CURL_ARGV"
"""


@dataclass(frozen=True)
class Pasted:
    """What ran: the argv the stub curl received (None: it never ran), and whether a planted command ran too."""

    argv: list[str] | None
    pwned: bool
    stderr: str


def paste(command: str, directory: Path, env: Mapping[str, str] | None = None) -> Pasted:
    """Run ``command`` with ``bash -c`` in ``directory`` (empty but for what this makes), ``env`` exported."""
    stub_dir = directory / ".stub"
    stub_dir.mkdir(exist_ok=True)
    stub = stub_dir / "curl"
    stub.write_text(_STUB, encoding="utf-8")
    stub.chmod(0o755)
    record = stub_dir / "argv"
    record.unlink(missing_ok=True)
    environment = {
        "PATH": f"{stub_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "STUB_CURL_ARGV": str(record),
        "LC_ALL": "C.UTF-8",
        **(env or {}),
    }
    done = subprocess.run(
        ["bash", "-c", command], cwd=directory, env=environment, capture_output=True, timeout=30, check=False
    )
    argv = None
    if record.exists():
        raw = record.read_bytes()
        assert raw.endswith(b"\0") or not raw, raw
        argv = [part.decode("utf-8", "surrogateescape") for part in raw.split(b"\0")[:-1]]
    return Pasted(argv, (directory / PWNED).exists(), done.stderr.decode("utf-8", "replace"))
