"""The command line's settings: ``--version``, options from the environment and from a settings file (flag over
environment over file over default), secrets from the environment only and shown as fingerprints, and
``mockserver config`` saying where each setting came from.

Each command runs as a user runs it: ``python -m mockserver`` in a fresh directory, with only the environment the
test gives (plus PATH and PYTHONPATH). The oracles are the text printed, and for ``serve`` the port a real server
answers on.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from mockserver.core.configfile import ConfigFile
from tests.support.servers import free_port

SECRET = "a-secret-token-9f2c"


def _run(directory: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "HOME", "LANG")}
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args],
        cwd=directory,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _setting(printed: str, section: str, option: str) -> str:
    """The line of ``option`` under ``[section]`` of ``mockserver config``'s output."""
    lines = printed.split(f"[{section}]", 1)[1].split("\n[", 1)[0].splitlines()
    return next(line.strip() for line in lines if line.strip().startswith(f"{option} "))


def test_version_is_the_installed_distribution_s(tmp_path: Path) -> None:
    done = _run(tmp_path, "--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"mockserver {version('mockserver')}")


def test_a_setting_from_the_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "mockserver.toml").write_text("[serve]\ncount = 50\n\n[fuzz]\nmax-examples = 20\n", encoding="utf-8")
    done = _run(tmp_path, "config")
    assert done.returncode == 0, done.stderr
    where = f"(file {tmp_path / 'mockserver.toml'})"
    assert _setting(done.stdout, "serve", "--count").split(None, 2)[1:] == ["50", where]
    assert _setting(done.stdout, "fuzz", "--max-examples").split()[1] == "20"


def test_the_environment_wins_over_the_file_and_each_command_has_its_own_seed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.mockserver.serve]\nseed = 7\n", encoding="utf-8")
    done = _run(tmp_path, "config", env={"MOCKSERVER_SERVE_SEED": "9"})
    assert done.returncode == 0, done.stderr
    assert _setting(done.stdout, "serve", "--seed").split(None, 2)[1:] == ["9", "(environment MOCKSERVER_SERVE_SEED)"]
    assert _setting(done.stdout, "fuzz", "--seed").split(None, 2)[1:] == ["0", "(default)"]


def test_a_secret_is_shown_as_its_fingerprint_only(tmp_path: Path) -> None:
    done = _run(tmp_path, "config", env={"MOCKSERVER_TOKEN": SECRET, "MOCKSERVER_ADMIN_TOKEN": SECRET + "-admin"})
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout
    shown = "sha256:" + hashlib.sha256(SECRET.encode()).hexdigest()[:12]
    assert _setting(done.stdout, "fuzz", "--token").split(None, 2)[1:] == [shown, "(environment MOCKSERVER_TOKEN)"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[fuzz]\ntoken = "x"\n', "secret, never read from a file: set it in the environment (MOCKSERVER_TOKEN)"),
        ('[serve]\nadmin-token = "x"\n', "(MOCKSERVER_ADMIN_TOKEN)"),
        ("[serve]\nprot = 1\n", "prot is not an option of mockserver serve"),
        ("[serv]\nport = 1\n", "[serv] names no command with settings"),
        ("[serve\n", "not TOML"),
    ],
    ids=["token", "admin-token", "unknown-option", "unknown-command", "not-toml"],
)
def test_a_bad_settings_file_is_one_line_and_exit_2(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "mockserver.toml").write_text(text, encoding="utf-8")
    done = _run(tmp_path, "config")
    lines = done.stderr.strip().splitlines()
    assert (done.returncode, len(lines), "Traceback" in done.stderr) == (2, 1, False), done.stderr
    assert expected in lines[0] and "mockserver.toml" in lines[0]


def _serving_port(directory: Path, *args: str, env: dict[str, str]) -> int:
    """Start ``mockserver serve ARGS`` and return the first of the candidate ports it answers on."""
    ports = [int(p) for p in env.pop("_CANDIDATES").split(",")]
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "HOME", "LANG")}
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--count", "10", *args],
        cwd=directory,
        env={**base, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            for port in ports:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        return port
                except httpx.TransportError:
                    pass
            assert process.poll() is None, "the server stopped"
            time.sleep(0.05)
        raise AssertionError("no candidate port answered")
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_serve_listens_on_the_port_the_environment_names(tmp_path: Path) -> None:
    in_file, wanted = free_port(), free_port()
    (tmp_path / "mockserver.toml").write_text(f"[serve]\nport = {in_file}\n", encoding="utf-8")
    env = {"MOCKSERVER_PORT": str(wanted), "_CANDIDATES": f"{wanted},{in_file}"}
    assert _serving_port(tmp_path, env=env) == wanted


def test_a_flag_wins_over_the_environment(tmp_path: Path) -> None:
    flagged, named = free_port(), free_port()
    env = {"MOCKSERVER_PORT": str(named), "_CANDIDATES": f"{flagged},{named}"}
    assert _serving_port(tmp_path, "--port", str(flagged), env=env) == flagged


def test_a_lower_layer_sits_under_the_file() -> None:
    file = ConfigFile(Path("mockserver.toml"), {"fuzz": {"seed": 3}})
    below = {"fuzz": {"seed": 1, "workers": 2}, "serve": {"port": 9000}}
    assert file.default_maps(below) == {"fuzz": {"seed": 3, "workers": 2}, "serve": {"port": 9000}}
