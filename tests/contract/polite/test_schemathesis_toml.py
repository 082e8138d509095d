"""The user's schemathesis.toml gives fuzz's options their defaults: below the environment and the flags."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.contract.schemathesis.toml import fuzz_defaults

UNREACHABLE = "http://127.0.0.1:9"


def _fuzz(folder: Path, *flags: str, **env: str) -> subprocess.CompletedProcess[str]:
    (folder / ".git").mkdir(exist_ok=True)  # the search stops here, as st run's does
    return subprocess.run(
        [sys.executable, "-m", "mockserver", "fuzz", "--api", "events", "--target", UNREACHABLE, *flags],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env, "PYTHONPATH": str(Path(__file__).parents[3])},
        check=False,
    )


def test_the_settings_that_map_to_fuzzs_options_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "schemathesis.toml").write_text(
        'hooks = "not_loaded"\nrate-limit = "7/s"\nworkers = 3\ntls-verify = false\nmax-failures = 2\n'
        "[checks]\nmax_response_time = 0.5\nignored_auth.enabled = false\n"
    )
    monkeypatch.chdir(tmp_path)
    assert fuzz_defaults() == {
        "rate_limit": "7/s",
        "workers": 3,
        "tls_verify": "false",
        "max_failures": 2,
        "max_response_time": 0.5,
        "exclude_checks": "ignored_auth",
    }


def test_a_bad_schemathesis_toml_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "schemathesis.toml").write_text('rate-limit = "7/x"\n')
    done = _fuzz(tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("mockserver: schemathesis.toml: Invalid rate limit value: `7/x`")


def test_the_environment_wins_over_schemathesis_toml(tmp_path: Path) -> None:
    (tmp_path / "schemathesis.toml").write_text('tls-verify = "no-such-ca.pem"\n')
    from_file = _fuzz(tmp_path)
    from_env = _fuzz(tmp_path, MOCKSERVER_FUZZ_TLS_VERIFY="false")
    assert "'no-such-ca.pem' is neither true, false nor a CA bundle file" in from_file.stderr
    assert (
        from_env.stderr.strip()
        == f"mockserver fuzz: cannot reach {UNREACHABLE}: Connection refused: [Errno 111] Connection refused"
    )


def test_a_flag_wins_over_schemathesis_toml(tmp_path: Path) -> None:
    (tmp_path / "schemathesis.toml").write_text('tls-verify = "no-such-ca.pem"\n')
    done = _fuzz(tmp_path, "--tls-verify", "false")
    assert "cannot reach" in done.stderr
