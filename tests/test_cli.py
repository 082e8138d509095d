"""The command line: bad input is one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import jwt
import pytest


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mockserver", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["serve", "--bogus"], "No such option", id="unknown-flag"),
        pytest.param(["serve", "--port", "99999"], "99999", id="port-out-of-range"),
        pytest.param(["serve", "--anchor", "yesterday"], "not a date", id="bad-anchor"),
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


def test_token_carries_the_scopes_and_expiry_asked_for() -> None:
    token = _run("token", "--scope", "a", "--scope", "b", "--expires-in", "60").stdout.strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["scope"] == "a b" and isinstance(claims["exp"], int)


def test_default_token_is_stable_and_has_no_expiry() -> None:
    first, second = _run("token").stdout, _run("token").stdout
    assert first == second
    assert "exp" not in jwt.decode(first.strip(), options={"verify_signature": False})
