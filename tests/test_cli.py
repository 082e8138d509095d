"""The command line: bad input is one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import jwt
import pytest

from mockserver.apis import table
from mockserver.apis.datasets import FIXTURE_MAX_BYTES
from mockserver.cli.params import ANCHOR_RANGE
from mockserver.core.instants import parse_instant
from mockserver.core.openapi import ApiId
from mockserver.server.settings import anchor_micros
from tests.support.specs import SHIPPED


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mockserver", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["serve", "--bogus"], "No such option", id="unknown-flag"),
        pytest.param(["serve", "--port", "99999"], "99999", id="port-out-of-range"),
        pytest.param(["serve", "--anchor", "yesterday"], "not a date", id="bad-anchor"),
        pytest.param(["serve", "--anchor", "0001-06-30"], "outside 0002-01-01 to 9997-12-31", id="anchor-too-early"),
        pytest.param(["fixtures", "--anchor", "9998-01-01"], "outside 0002-01-01 to 9997-12-31", id="anchor-too-late"),
        pytest.param(["serve", "--fixtures", "calendar=x.json"], "API=FILE", id="bad-fixture-api"),
        pytest.param(
            ["serve", "--fixtures", "events=/nonexistent.json"],
            "/nonexistent.json: cannot read",
            id="missing-fixture-file",
        ),
        pytest.param(["fixtures", "--api", "nope"], "nope", id="bad-api"),
    ],
)
def test_bad_command_lines_are_one_line(args: list[str], message: str) -> None:
    result = _run(*args)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


# Holds the import of click (the command line's first) until a SIGINT: the file named by $HOLD_READY says it is held.
_HOLD_IMPORT = """
import importlib.abc, os, pathlib, time, sys
class Hold(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            pathlib.Path(os.environ["HOLD_READY"]).touch()
            time.sleep(120)
sys.meta_path.insert(0, Hold())
"""


@pytest.mark.parametrize(
    "command",
    [
        pytest.param([str(Path(sys.executable).with_name("mockserver"))], id="script"),
        pytest.param([sys.executable, "-m", "mockserver"], id="python-m"),
    ],
)
def test_ctrl_c_while_the_command_line_loads_exits_130_without_a_traceback(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "sitecustomize.py").write_text(_HOLD_IMPORT)
    ready = tmp_path / "held"
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "HOLD_READY": str(ready)}
    process = subprocess.Popen([*command, "--version"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ready.exists(), "the import of click was never reached"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err.decode()
    assert err.decode() == "" and out.decode() == ""


def test_busy_port_is_one_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        result = _run("serve", "--port", str(sock.getsockname()[1]), "--count", "10")
    assert result.returncode == 1 and "cannot listen on 127.0.0.1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_fixture_file_names_file_record_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("- {id: x}\n", encoding="utf-8")
    result = _run("serve", "--fixtures", f"events={path}")
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"mockserver: {path}: record 0: field")


# 400 bytes of YAML whose nested aliases expand to 43 million records (a "billion laughs").
LAUGHS = "\n".join(
    ["a: &a [{id: x}, {id: x}, {id: x}, {id: x}, {id: x}, {id: x}, {id: x}, {id: x}, {id: x}]"]
    + [
        f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]"
        for a, b in zip("abcdefg", "bcdefgh", strict=True)
    ]
    + ["events: [*h]"]
)


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "events.json"
    os.mkfifo(path)
    return path


def _aliases(tmp_path: Path) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(_fifo, "is a FIFO; a fixture must be a regular file", id="fifo"),
        pytest.param(lambda _: Path("/dev/zero"), "is a device; a fixture must be a regular file", id="dev-zero"),
        pytest.param(lambda tmp: tmp, "is a directory; a fixture must be a regular file", id="directory"),
        pytest.param(_aliases, "aliases (*name) are not allowed in a fixture", id="yaml-aliases"),
    ],
)
def test_a_fixture_that_is_not_a_plain_file_of_records_is_refused_at_once(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)
    started = time.monotonic()
    result = _run("serve", "--fixtures", f"events={path}", "--count", "10", timeout=20)
    assert result.returncode == 1 and time.monotonic() - started < 20
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"mockserver: {path}") and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_fixture_larger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    with path.open("wb") as file:
        file.truncate(FIXTURE_MAX_BYTES + 1)  # sparse: no disk used
    result = _run("serve", "--fixtures", f"events={path}", "--count", "10", timeout=20)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert f"a fixture holds at most {FIXTURE_MAX_BYTES} bytes" in result.stderr


def test_token_carries_the_scopes_and_expiry_asked_for() -> None:
    token = _run("token", "--scope", "a", "--scope", "b", "--expires-in", "60").stdout.strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["scope"] == "a b" and isinstance(claims["exp"], int)


def test_default_token_is_stable_and_has_no_expiry() -> None:
    first, second = _run("token").stdout, _run("token").stdout
    assert first == second
    assert "exp" not in jwt.decode(first.strip(), options={"verify_signature": False})


@pytest.mark.parametrize("day", ANCHOR_RANGE, ids=["first-anchor", "last-anchor"])
@pytest.mark.parametrize("api", SHIPPED)
def test_records_at_either_end_of_the_anchor_range_write_rfc_3339_instants(api: ApiId, day: date) -> None:
    """The oracle is the server's own RFC 3339 parser: every instant field of 20,000 records, with the widest spans
    the generators draw (a year either side, and up to 210 days beyond), must parse."""
    shape = table(api)
    fields = set(shape.time_fields) | set(shape.utc_millis)
    _, render = shape.generate(1, 20_000, anchor_micros(day))
    written = [render(i)[name] for i in range(20_000) for name in fields]
    assert all(parse_instant(text) is not None for text in written if text is not None)
