"""Hostile targets are reported, never crash the tester: refused, hanging, invalid JSON, 5xx; and the CLI's edges."""

from __future__ import annotations

import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from mockserver.contract.commands.fuzz import fuzz
from mockserver.contract.options import FuzzOptions
from mockserver.contract.runner import run

Message = MutableMapping[str, Any]
MOCKSERVER = str(Path(sys.executable).parent / "mockserver")


def _answering(status: int, body: bytes, content_type: bytes = b"application/json") -> Any:
    async def app(
        scope: Message, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
    ) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", content_type)]})
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_is_an_unusable_target(closed_port: int) -> None:
    result = run(FuzzOptions(api="events", target=f"http://127.0.0.1:{closed_port}", timeout=2))
    assert result.exit_code == 2
    assert result.fatal is not None and "cannot reach" in result.fatal


def test_a_hanging_server_times_out_on_the_credentials_check(silent_port: int) -> None:
    result = run(FuzzOptions(api="events", target=f"http://127.0.0.1:{silent_port}", timeout=0.5))
    assert result.exit_code == 2
    assert result.fatal is not None and "Timeout" in result.fatal


@pytest.mark.parametrize(
    ("status", "body"),
    [(200, b"{not json"), (500, b'{"error": "boom"}'), (200, b"[]")],
    ids=["invalid-json", "server-error", "wrong-shape"],
)
def test_a_broken_answer_is_a_violation_not_a_crash(status: int, body: bytes, tmp_path: Path) -> None:
    options = FuzzOptions(
        api="events",
        target="http://testserver",
        app=_answering(status, body),
        max_examples=10,
        phases=("fuzzing",),
        junit=tmp_path / "junit.xml",
        reports=("markdown",),
        report_dir=tmp_path,
    )
    with (tmp_path / "out.txt").open("w", encoding="utf-8") as out:
        code, result = fuzz(options, Console(file=out, width=120))
    assert code == 1
    assert result.failures
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.find("testcase/failure") is not None
    assert "failed**" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_rejected_credentials_stop_the_run() -> None:
    result = run(FuzzOptions(api="events", target="http://testserver", app=_answering(401, b"{}")))
    assert result.exit_code == 2
    assert result.fatal is not None and "rejected" in result.fatal


def test_the_cli_wants_a_target_and_says_so_on_one_line() -> None:
    done = subprocess.run([MOCKSERVER, "fuzz", "--api", "events"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["mockserver fuzz: Missing option '--target'."]


def test_the_cli_exits_2_for_an_unreachable_target(closed_port: int) -> None:
    done = subprocess.run(
        [MOCKSERVER, "fuzz", "--api", "events", "--target", f"http://127.0.0.1:{closed_port}", "--timeout", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert len(done.stderr.strip().splitlines()) == 1 and "cannot reach" in done.stderr
