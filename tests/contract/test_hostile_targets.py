"""``mockserver fuzz`` against hostile targets on loopback: each is reported, within its timeout, with reports.

Every run is a real ``mockserver fuzz`` process; ``subprocess.run(timeout=...)`` is the generous upper bound
(a hang fails the test), never a timing assertion. A target that misbehaves from its first answer is an
unusable target (exit 2); one that misbehaves after a good first answer is a violation (exit 1).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mockserver.contract.schemathesis.transport import BoundedSession, Limits, OffTargetRedirectError, origin_of
from tests.contract import hostile
from tests.contract.hostile import Target

MOCKSERVER = str(Path(sys.executable).parent / "mockserver")
TIMEOUT = 1  # --timeout of the runs
BOUND = 60  # seconds a run may take before the test calls it a hang
TALLY = re.compile(r"^\d+ passed, \d+ failed$")


@functools.cache
def _bomb() -> bytes:
    return hostile.gzip_bomb(64 * 1024 * 1024)  # 64 MB of zeros, about 64 KB on the wire


@pytest.fixture
def elsewhere() -> Iterator[tuple[int, list[int]]]:
    """A listener on 127.0.0.2 that no run may contact (it counts the connections it gets)."""
    try:
        with hostile.listener("127.0.0.2") as found:
            yield found
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")


def _fuzz(target: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            MOCKSERVER,
            "fuzz",
            "--api",
            "events",
            "--target",
            target,
            "--timeout",
            str(TIMEOUT),
            "--max-examples",
            "5",
            "--junit",
            str(tmp_path / "junit.xml"),
            "--report",
            "markdown",
            "--report-dir",
            str(tmp_path),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=BOUND,
        check=False,
    )


def _reports(tmp_path: Path) -> str:
    """Both report files, which must exist and parse; their text, to look for what they name."""
    ET.parse(tmp_path / "junit.xml")
    return (tmp_path / "junit.xml").read_text(encoding="utf-8") + (tmp_path / "report.md").read_text(encoding="utf-8")


BEHAVIOURS = {
    "slow-drip": (hostile.drip, f"Timeout: no complete answer within {TIMEOUT} s (--timeout)"),
    "100MB-body": (hostile.huge, "the body exceeds the 10 MB cap (--max-body)"),
    "gzip-bomb": (None, "the body, decompressed (gzip), exceeds the 10 MB cap (--max-body)"),
    "redirect-off-host": (hostile.redirect, "Location: http://127.0.0.2:"),
    "connection-reset": (hostile.reset, "Connection reset"),
    "hang": (hostile.hang, f"Timeout: no complete answer within {TIMEOUT} s (--timeout)"),
}


def _target(name: str, good: int, elsewhere: tuple[int, list[int]]) -> Target:
    behaviour = BEHAVIOURS[name][0] or hostile.bomb(_bomb())
    target = Target(behaviour, good=good)
    target.redirect_to = f"http://127.0.0.2:{elsewhere[0]}/events?page=1"
    return target


@pytest.mark.parametrize("name", list(BEHAVIOURS))
def test_hostile_after_the_first_answer_is_a_violation(
    name: str, elsewhere: tuple[int, list[int]], tmp_path: Path
) -> None:
    with _target(name, good=1, elsewhere=elsewhere) as target:
        done = _fuzz(target.url, tmp_path)
    expected = BEHAVIOURS[name][1]
    out = done.stdout.strip().splitlines()
    assert done.returncode == 1, (done.stdout[-2000:], done.stderr[-2000:])
    assert "Traceback" not in done.stdout + done.stderr
    assert any(line.startswith("error: ") and expected in line for line in out), done.stdout[-2000:]
    assert TALLY.match(out[-1])
    assert expected in _reports(tmp_path)
    assert elsewhere[1] == [0]  # the redirect's Location was never contacted


@pytest.mark.parametrize("name", ["slow-drip", "100MB-body", "gzip-bomb", "redirect-off-host", "connection-reset"])
def test_hostile_from_the_first_answer_is_an_unusable_target(
    name: str, elsewhere: tuple[int, list[int]], tmp_path: Path
) -> None:
    with _target(name, good=0, elsewhere=elsewhere) as target:
        done = _fuzz(target.url, tmp_path)
    expected = BEHAVIOURS[name][1]
    assert (done.returncode, done.stdout) == (2, ""), done.stderr[-2000:]
    assert len(done.stderr.strip().splitlines()) == 1 and expected in done.stderr, done.stderr[-2000:]
    assert expected in _reports(tmp_path)
    assert elsewhere[1] == [0]


def test_tls_to_a_plain_http_server_is_a_tls_error(tmp_path: Path) -> None:
    with Target(hostile.hang, good=10) as target:
        done = _fuzz(f"https://127.0.0.1:{target.port}", tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "cannot reach" in done.stderr and "TLS error" in done.stderr and "Traceback" not in done.stderr
    assert "TLS error" in _reports(tmp_path)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_a_self_signed_certificate_is_a_tls_error(tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ],
        capture_output=True,
        check=True,
        timeout=60,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with Target(hostile.hang, good=10, tls=context) as target:
        done = _fuzz(f"https://127.0.0.1:{target.port}", tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "TLS error" in done.stderr and "CERTIFICATE_VERIFY_FAILED" in done.stderr, done.stderr


def test_ctrl_c_writes_the_reports_and_says_interrupted(tmp_path: Path) -> None:
    with Target(hostile.hang, good=10**6, delay=0.1) as target:
        process = subprocess.Popen(
            [
                # SIGINT at its default, as a terminal gives it: started in the background by a shell without job
                # control (a CI script's `cmd &`), the process would inherit it ignored, and Ctrl-C would do nothing
                "env",
                "--default-signal=INT",
                MOCKSERVER,
                "fuzz",
                "--api",
                "events",
                "--target",
                target.url,
                "--timeout",
                "5",
                "--max-examples",
                "1000",
                "--junit",
                str(tmp_path / "junit.xml"),
                "--report",
                "markdown",
                "--report-dir",
                str(tmp_path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},  # a hang is told by every thread's stack (SIGABRT below)
        )
        try:
            for _ in range(600):  # until fuzzing is under way: credentials check, survey, probes, a first case
                if target.requests >= 6 or process.poll() is not None:
                    break
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=BOUND)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            out, err = process.communicate()
            pytest.fail(f"running {BOUND} s after Ctrl-C ({target.requests} requests received); stacks:\n{err[-6000:]}")
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 130, (out[-2000:], err[-2000:])
    assert "Traceback" not in out + err
    assert out.strip().splitlines()[-1].endswith(", interrupted")
    assert "interrupted (Ctrl-C)" in out
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.find("testcase[@name='interrupted']/error") is not None
    assert "**Interrupted**" in (tmp_path / "report.md").read_text(encoding="utf-8")


# ---- the session itself, in-process ----


def test_a_same_origin_redirect_is_followed_and_an_off_target_one_is_not(elsewhere: tuple[int, list[int]]) -> None:
    def hop(target: Target, conn: socket.socket) -> None:
        location = "/final" if target.requests == 1 else target.redirect_to
        conn.sendall(
            f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )

    with Target(hop, good=0) as target:
        target.redirect_to = f"http://127.0.0.2:{elsewhere[0]}/x"
        session = BoundedSession(Limits(timeout=5, origin=origin_of(target.url)))
        with pytest.raises(OffTargetRedirectError, match=f"Location: http://127.0.0.2:{elsewhere[0]}/x"):
            session.get(f"{target.url}/first")  # 302 to /final (followed), whose 302 leaves the target
        assert target.requests == 2
        answer = session.get(f"{target.url}/third", allow_redirects=False)  # not following: just the answer
        assert answer.status_code == 302
    assert elsewhere[1] == [0]


def test_a_size_cap_below_the_body_is_enforced_and_a_body_under_it_is_read() -> None:
    with Target(hostile.hang, good=10) as target:
        small = BoundedSession(Limits(timeout=5, max_body=16))
        with pytest.raises(requests.exceptions.ChunkedEncodingError, match="16 bytes cap"):
            small.get(f"{target.url}/events")
        assert BoundedSession(Limits(timeout=5)).get(f"{target.url}/events").json()["events"] == []
