"""`make bench`: our mock beside its peers on this machine, each pinned to one core, wrk on the other.

Measures req/s, p50, p99 and RSS for (i) one repeated request and (ii) a never-repeating stream of
valid requests, for both APIs; then the mock alone at 1k, 100k and 1M records per API (launch to
/healthz, RSS, stream latency). Prints ratios measured in this run and writes bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import httpx
import orjson
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = ROOT / ".venv" / "bin"
NODE_BIN = BENCH / "node_modules" / ".bin"
WIREMOCK_JAR = BENCH / "node_modules" / "wiremock" / "build" / "wiremock-standalone-3.13.2.jar"
SERVER_CORE, LOAD_CORE = "0", "1"
APIS = {
    "events": ("", "/events?from=2024-12-01T00:00:00Z&to=2025-01-01T00:00:00Z", {}),
    "interventions": (
        "/main",
        "/calendar/v2/rs/events?scheduledStart=2024-12-01T00:00:00Z"
        "&scheduledEnd=2024-12-08T00:00:00Z&includeSites=false",
        {"x-session-token": "bench", "content-type": "application/json"},
    ),
}
console = Console()


@dataclass(frozen=True)
class Peer:
    name: str
    argv: list[str]
    prefix: dict[str, str]  # where each API's paths start on this server
    env: dict[str, str] | None = None
    cores: str = SERVER_CORE


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return total / 1024


@contextmanager
def running(
    argv: Sequence[str],
    probe: str,
    headers: dict[str, str],
    env: dict[str, str] | None = None,
    cores: str = SERVER_CORE,
) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """Start ``argv`` on the server core; yield it and the seconds it took to answer ``probe``."""
    started = time.perf_counter()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen(
        ["taskset", "-c", cores, *argv], stdout=log, stderr=log, cwd=ROOT, env={**os.environ, **(env or {})}
    )
    try:
        for _ in range(1200):
            if process.poll() is not None:
                log.seek(0)
                raise SystemExit(f"{argv[0]} exited: {log.read().decode(errors='replace')[-2000:]}")
            try:
                httpx.get(probe, headers=headers, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise SystemExit(f"{argv[0]} did not answer {probe}")
        yield process, time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str, seconds: int, headers: dict[str, str], script: Path | None = None, env: dict[str, str] | None = None
) -> Load:
    argv = ["taskset", "-c", LOAD_CORE, "wrk", "-t1", "-c32", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    if script is not None:
        argv += ["-s", str(script)]
    out = subprocess.run(
        [*argv, url], capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)\s*$", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)\s*$", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = int(errors.group(1)) if errors else 0
    failed += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return Load(rps, p50, p99, failed)


def measure(
    url: str, headers: dict[str, str], runs: int, seconds: int, script: Path | None, env: dict[str, str]
) -> Load:
    wrk(url, max(5, seconds // 2), headers, script, env)  # warm-up (the JVM's JIT, caches)
    loads = [wrk(url, seconds, headers, script, env) for _ in range(runs)]
    return Load(
        statistics.median(x.rps for x in loads),
        statistics.median(x.p50_ms for x in loads),
        statistics.median(x.p99_ms for x in loads),
        sum(x.errors for x in loads),
    )


def _first_line(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else argv[0]


def token() -> str:
    return subprocess.run([str(BIN / "mockserver"), "token"], capture_output=True, text=True, check=True).stdout.strip()


def wiremock_root(bodies: dict[str, bytes]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="wiremock-"))
    (root / "mappings").mkdir()
    for api, body in bodies.items():
        prefix, path, _ = APIS[api]
        stub = {
            "request": {"method": "GET", "urlPath": prefix + path.split("?")[0]},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": body.decode()},
        }
        (root / "mappings" / f"{api}.json").write_bytes(orjson.dumps(stub))
    return root


def peers(bodies: dict[str, bytes], body_dir: Path) -> list[Peer]:
    both = {"events": "", "interventions": "/main"}
    result = [Peer("mockserver", [str(BIN / "mockserver"), "serve", "--port", "{port}"], both)]
    # Two workers on both cores: wrk then shares a core with one of them, so this understates them.
    result.append(
        Peer(
            "mockserver --workers 2 (2 cores)",
            [str(BIN / "mockserver"), "serve", "--port", "{port}", "--workers", "2"],
            both,
            cores="0,1",
        )
    )
    for api in APIS:
        (body_dir / f"{api}.json").write_bytes(bodies[api])
    result.append(
        Peer(
            "starlette (ceiling)",
            [str(BIN / "python"), str(BENCH / "ceiling.py"), str(body_dir / "{api}.json"), "{port}"],
            both,
        )
    )
    result.append(
        Peer(
            "prism 5.16.0 (static)",
            [str(NODE_BIN / "prism"), "mock", "spec/{api}.yaml", "-h", "127.0.0.1", "-p", "{port}"],
            {"events": "", "interventions": ""},
        )
    )
    result.append(
        Peer(
            "connexion --mock=all",
            [str(BIN / "python"), str(BENCH / "connexion_mock.py"), "spec/{api}.yaml", "{port}"],
            both,
            {"PYTHONPATH": str(BENCH)},
        )
    )
    result.append(
        Peer(
            "wiremock 3.13.2",
            [
                "java",
                "-jar",
                str(WIREMOCK_JAR),
                "--port",
                "{port}",
                "--bind-address",
                "127.0.0.1",
                "--root-dir",
                str(wiremock_root(bodies)),
                "--no-request-journal",
                "--disable-banner",
            ],
            both,
        )
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "15")))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--scales", default="1000,100000,1000000")
    parser.add_argument("--no-peers", action="store_true", help="Only the scaling and fuzz parts (a quick re-run).")
    args = parser.parse_args()
    bearer = token()
    auth = {"Authorization": f"Bearer {bearer}"}
    body_dir = Path(tempfile.mkdtemp(prefix="bench-bodies-"))
    with running(
        [str(BIN / "mockserver"), "serve", "--port", str(port := free_port())], f"http://127.0.0.1:{port}/healthz", {}
    ) as _:
        bodies = {
            api: httpx.get(f"http://127.0.0.1:{port}{prefix}{path}", headers={**auth, **hdrs}).content
            for api, (prefix, path, hdrs) in APIS.items()
        }
    rows: list[tuple[str, str, str, Load, float]] = []
    for peer in [] if args.no_peers else peers(bodies, body_dir):
        for api, (_, path, hdrs) in APIS.items():
            port = free_port()
            argv = [a.format(port=port, api=api) for a in peer.argv]
            base = f"http://127.0.0.1:{port}{peer.prefix[api]}"
            headers = {**auth, **hdrs}
            console.print(f"[dim]{peer.name} · {api}[/dim]")
            with running(argv, base + path, headers, peer.env, peer.cores) as (process, _):
                env = {"API": api, "TOKEN": bearer, "PREFIX": peer.prefix[api]}
                repeated = measure(base + path, headers, args.runs, args.seconds, None, env)
                stream = measure(f"http://127.0.0.1:{port}", {}, args.runs, args.seconds, BENCH / "stream.lua", env)
                memory = rss_mb(process.pid)
            rows.append((peer.name, api, "repeated", repeated, memory))
            rows.append((peer.name, api, "stream", stream, memory))
            console.print(
                f"  repeated {repeated.rps:,.0f} req/s p99 {repeated.p99_ms:.1f} ms · "
                f"stream {stream.rps:,.0f} req/s p99 {stream.p99_ms:.1f} ms · RSS {memory:.0f} MB"
            )
    scaling = []
    for count in (int(c) for c in args.scales.split(",")):
        port = free_port()
        with running(
            [str(BIN / "mockserver"), "serve", "--port", str(port), "--count", str(count)],
            f"http://127.0.0.1:{port}/healthz",
            {},
        ) as (process, ready):
            env = {"API": "events", "TOKEN": bearer, "PREFIX": ""}
            load = measure(f"http://127.0.0.1:{port}", {}, 1, args.seconds, BENCH / "stream.lua", env)
            scaling.append((count, ready, rss_mb(process.pid), load))
    report(rows, scaling, fuzz_speed(bearer), args)


def fuzz_speed(bearer: str) -> list[tuple[str, str, int, float]]:
    """Cases per second of `mockserver fuzz` and of plain `st run`, same budget and seed, against the mock."""
    results = []
    port = free_port()
    with running(
        [str(BIN / "mockserver"), "serve", "--port", str(port)], f"http://127.0.0.1:{port}/healthz", {}, cores="0,1"
    ):
        for api, (prefix, _, _) in APIS.items():
            target = f"http://127.0.0.1:{port}{prefix}"
            runs = {
                "mockserver fuzz": (
                    [
                        str(BIN / "mockserver"),
                        "fuzz",
                        "--api",
                        api,
                        "--target",
                        target,
                        "--max-examples",
                        "100",
                        "--seed",
                        "1",
                    ],
                    r"requests: (\d+)",
                ),
                "st run": (
                    [
                        str(BIN / "st"),
                        "run",
                        f"spec/{api}.yaml",
                        "--url",
                        target,
                        "-H",
                        f"Authorization: Bearer {bearer}",
                        *(["-H", "x-session-token: bench"] if prefix else []),
                        "--max-examples",
                        "100",
                        "--seed",
                        "1",
                        "--generation-database",
                        "none",
                    ],
                    r"(\d+) generated",
                ),
            }
            for name, (argv, pattern) in runs.items():
                started = time.perf_counter()
                out = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False).stdout
                elapsed = time.perf_counter() - started
                match = re.search(pattern, out)
                results.append((name, api, int(match.group(1)) if match else 0, elapsed))
    return results


def report(
    rows: list[tuple[str, str, str, Load, float]],
    scaling: list[tuple[int, float, float, Load]],
    fuzz: list[tuple[str, str, int, float]],
    args: argparse.Namespace,
) -> None:
    ours = {(api, kind): load.rps for name, api, kind, load, _ in rows if name == "mockserver"}
    if not rows:
        console.print("[dim]peers skipped (--no-peers): bench/RESULTS.md is left as it is[/dim]")
    table = Table(title="Throughput (server on one core, wrk -t1 -c32 on the other; medians)")
    for column in ("server", "api", "load", "req/s", "p50 ms", "p99 ms", "RSS MB", "non-2xx", "ours ÷ this"):
        table.add_column(column, justify="right" if column not in ("server", "api", "load") else "left")
    lines = ["| server | api | load | req/s | p50 ms | p99 ms | RSS MB | non-2xx | ours ÷ this |", "|---" * 9 + "|"]
    for name, api, kind, load, memory in rows:
        ratio = ours[(api, kind)] / load.rps if load.rps else float("inf")
        cells: tuple[str, ...] = (
            name,
            api,
            kind,
            f"{load.rps:,.0f}",
            f"{load.p50_ms:.2f}",
            f"{load.p99_ms:.2f}",
            f"{memory:.0f}",
            str(load.errors),
            f"{ratio:.2f}×",
        )
        table.add_row(*cells)
        lines.append("| " + " | ".join(cells) + " |")
    console.print(table)
    scale_table = Table(title="Scaling: mockserver with N records per API (events, never-repeating stream)")
    scale_lines = ["| records per API | launch → /healthz s | RSS MB | req/s | p50 ms | p99 ms |", "|---" * 6 + "|"]
    for column in ("records", "ready s", "RSS MB", "req/s", "p50 ms", "p99 ms"):
        scale_table.add_column(column, justify="right")
    for count, ready, memory, load in scaling:
        cells = (
            f"{count:,}",
            f"{ready:.2f}",
            f"{memory:.0f}",
            f"{load.rps:,.0f}",
            f"{load.p50_ms:.2f}",
            f"{load.p99_ms:.2f}",
        )
        scale_table.add_row(*cells)
        scale_lines.append("| " + " | ".join(cells) + " |")
    console.print(scale_table)
    fuzz_table = Table(title="Fuzz speed against the mock (max-examples 100, seed 1)")
    fuzz_lines = ["| tool | api | requests | seconds | requests/s | ratio to st run |", "|---" * 6 + "|"]
    for column in ("tool", "api", "requests", "seconds", "requests/s", "÷ st run"):
        fuzz_table.add_column(column)
    plain = {api: n / s for name, api, n, s in fuzz if name == "st run" and s}
    for name, api, n, seconds in fuzz:
        cells = (name, api, str(n), f"{seconds:.1f}", f"{n / seconds:.0f}", f"{(n / seconds) / plain[api]:.2f}×")
        fuzz_table.add_row(*cells)
        fuzz_lines.append("| " + " | ".join(cells) + " |")
    console.print(fuzz_table)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    packages = ("connexion", "uvicorn", "starlette", "schemathesis")
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in packages)
    tools = "; ".join(_first_line(argv) for argv in (["wrk", "--version"], ["java", "-version"], ["node", "--version"]))
    command = f"make bench  (bench/run.py --seconds {args.seconds} --runs {args.runs} --scales {args.scales})"
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"- machine: {machine}",
            f"- command: `{command}`",
            f"- versions: {versions}; prism-cli 5.16.0 and wiremock 3.13.2 (bench/package.json); {tools}",
            f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "- method: each server pinned to core 0 (`taskset`), wrk pinned to core 1, 32 connections, a warm-up run, "
            "then the median of the runs. `repeated` is one request; `stream` never repeats (bench/stream.lua). "
            "Peers that serve a fixed example ignore the query; ours answers it.",
            "",
            *lines,
            "",
            "## Scaling",
            "",
            *scale_lines,
            "",
            "## Fuzz speed",
            "",
            "`mockserver fuzz` also sends its survey and the extra requests of its semantic checks.",
            "",
            *fuzz_lines,
            "",
        ]
    )
    if rows:
        (BENCH / "RESULTS.md").write_text(text, encoding="utf-8")
        console.print(f"wrote {BENCH / 'RESULTS.md'}")


if __name__ == "__main__":
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is not installed (make bench installs it)")
    main()
