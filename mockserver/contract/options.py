"""What a contract run is asked to do: a frozen value built by the CLI, the pytest plugin or tests."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mockserver.core.openapi import ApiId

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_MAX_EXAMPLES",
    "DEFAULT_SESSION_TOKEN",
    "PHASES",
    "TARGET_KINDS",
    "FuzzOptions",
    "TargetKind",
    "format_size",
    "parse_shard",
    "parse_size",
    "selects",
    "shard_seed",
]

PHASES = ("examples", "coverage", "fuzzing")
TargetKind = Literal["mock", "deployment"]
TARGET_KINDS: tuple[TargetKind, ...] = ("mock", "deployment")
DEFAULT_MAX_EXAMPLES = 100  # one default for the command, the pytest plugin and FuzzOptions
DEFAULT_SESSION_TOKEN = "contract-tester"
DEFAULT_MAX_BODY = 10 * 1024 * 1024  # bytes a response body may have, on the wire and decompressed


@dataclass(frozen=True)
class FuzzOptions:
    api: ApiId
    target: str  # where the spec's paths are appended, e.g. http://127.0.0.1:8000/main
    app: Any = None  # an ASGI app to call in-process instead of over the network (target is then its URL)
    token: str | None = None  # None: a development token that the mock accepts
    unscoped_token: str | None = None
    expired_token: str | None = None  # a token the target issued that has expired: refused with 401
    session_token: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int = 0
    timeout: float = 10.0  # seconds in all per request: connect, headers, whole body, same-origin redirects
    max_body: int = DEFAULT_MAX_BODY  # bytes per response body, on the wire and decompressed
    junit: Path | None = None  # --junit FILE: Schemathesis's JUnit report, written there
    reports: tuple[str, ...] = ()  # report formats (formats.py), written into report_dir
    report_dir: Path | None = None
    baseline: Path | None = None  # accepted known failures, in Schemathesis's baseline format
    reveal_credentials: bool = False
    phases: tuple[str, ...] = PHASES
    max_time: float | None = None  # seconds for the whole run; fuzzing goes on until they are spent
    shard: tuple[int, int] = (1, 1)  # (I, N): this run is shard I of N
    target_kind: TargetKind | None = None  # None: the mock if it says so (GET /.well-known/mockserver), else deployment
    # How politely it sends (st run's names): pacing.py, transport.py
    rate_limit: str | None = None  # st run's syntax (15/s, 100/m); None: adaptive to the target's 429/Retry-After
    workers: int = 1  # requests in flight at once, within the one operation
    max_response_time: float | None = None  # seconds; a slower answer is a violation of max_response_time
    checks: tuple[str, ...] = ()  # only these checks (st run --checks); empty: all
    exclude_checks: tuple[str, ...] = ()
    max_failures: int | None = None  # stop once this many failures were found
    tls_verify: bool | str = True  # True, False, or the path of a CA bundle
    request_cert: str | None = None  # a client certificate (PEM), with its key inside or in request_cert_key
    request_cert_key: str | None = None
    request_proxy: str | None = None
    # Credentials that last a long run: credentials/
    token_command: str | None = None  # a shell command printing a fresh token
    token_url: str | None = None  # OAuth2 client credentials: the token endpoint
    client_id: str | None = None
    client_secret: str | None = None  # from the environment only (the CLI never takes it as a flag)
    scopes: tuple[str, ...] = ()  # OAuth2 scopes to ask for


def selects(options: FuzzOptions, check: str) -> bool:
    """Whether ``check`` runs, as st run's --checks and --exclude-checks say (``all`` as in st run)."""
    if check in options.exclude_checks:
        return False
    return not options.checks or "all" in options.checks or check in options.checks


def shard_seed(seed: int, shard: tuple[int, int]) -> int:
    """The generation seed of shard I of N: ``seed`` itself for one shard, else a seed derived from (seed, I, N),
    the same on every machine, distinct per shard."""
    index, count = shard
    if count == 1:
        return seed
    digest = hashlib.sha256(f"mockserver-shard/{seed}/{index}/{count}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # a non-negative 63-bit integer, as --seed takes


_UNITS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1024,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1024**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1024**3,
    "gib": 1024**3,
}
_SIZE = re.compile(r"\s*([0-9]+)\s*([a-z]*)\s*", re.ASCII | re.IGNORECASE)


def parse_size(text: str) -> int:
    """``10MB``, ``512k``, ``1048576``: a positive byte count (binary units); ValueError when it is not one."""
    match = _SIZE.fullmatch(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS or int(match.group(1)) < 1:
        raise ValueError(f"{text!r} is not a size such as 10MB, 512KB or 1048576 (bytes)")
    return int(match.group(1)) * _UNITS[unit]


def format_size(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def parse_shard(text: str) -> tuple[int, int]:
    """``2/4`` -> (2, 4); ValueError when it is not I/N with 1 <= I <= N."""
    index, sep, count = text.partition("/")
    if not (sep and index.isascii() and index.isdigit() and count.isascii() and count.isdigit()):
        raise ValueError(f"{text!r} is not I/N, e.g. 2/4 (shard 2 of 4)")
    if not 1 <= int(index) <= int(count):
        raise ValueError(f"{text!r}: the shard I of I/N goes from 1 to N")
    return int(index), int(count)
