"""`make bench`: our mock beside its peers on this machine, each pinned to one core, wrk on the other.

Every figure is the median of runs that alternate between the servers compared (all started before the first
run, idle while another is measured), with the spread of req/s, so that drift of the machine falls on all of them:

1. peers: req/s, p50, p99 and RSS for one repeated request and a never-repeating stream of valid requests, for
   both APIs, beside a bare Starlette app returning fixed bytes (the ceiling), Prism, Connexion's mock, WireMock;
2. scaling: the mock at 1k, 100k and 1M records per API on the stream of each API; launch to /healthz 200
   (alternated launches), RSS after the runs, and the memory of `--workers 2` at the largest size (RSS summed, and
   proportional: shared pages counted once);
3. the in-process profile at the largest size (bench/inprocess.py) that explains what is left.

Prints the ratios measured in this run and writes bench/RESULTS.md and bench/latency-vs-records.svg.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
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
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from rich.console import Console
from rich.table import Table

from bench.chart import write_latency_chart

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = ROOT / ".venv" / "bin"
NODE_BIN = BENCH / "node_modules" / ".bin"
WIREMOCK_JAR = BENCH / "node_modules" / "wiremock" / "build" / "wiremock-standalone-3.13.2.jar"
SERVER_CORE, LOAD_CORE = "0", "1"
LAUNCHES = 7  # launches per size for the start-up figures
APIS = {
    "events": ("", "/events?from=2024-12-01T00:00:00Z&to=2025-01-01T00:00:00Z", {}),
    "interventions": (
        "/main",
        "/calendar/v2/rs/events?scheduledStart=2024-12-01T00:00:00Z"
        "&scheduledEnd=2024-12-08T00:00:00Z&includeSites=false",
        {"x-session-token": "bench", "content-type": "application/json"},
    ),
}
STREAM = BENCH / "stream.lua"
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


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _memory_mb(pid: int, pattern: str, file: str) -> float:
    total = 0
    for current in _tree(pid):
        try:
            text = Path(f"/proc/{current}/{file}").read_text()
        except OSError:
            continue
        match = re.search(pattern, text)
        total += int(match.group(1)) if match else 0
    return total / 1024


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants (pages shared between them counted in each)."""
    return _memory_mb(pid, r"VmRSS:\s+(\d+) kB", "status")


def pss_mb(pid: int) -> float:
    """Proportional memory of ``pid`` and its descendants: each shared page divided among its sharers, so the
    sum is what the tree holds."""
    return _memory_mb(pid, r"Pss:\s+(\d+) kB", "smaps_rollup")


def _answers(url: str, headers: dict[str, str]) -> bool:
    """Whether ``url`` answers at all: one plain HTTP/1.1 GET (no client to build, so that polling every 10 ms costs
    the server being timed next to nothing)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=2)
    try:
        target = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
        connection.request("GET", target, headers=headers)
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


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
        for _ in range(6000):
            if process.poll() is not None:
                log.seek(0)
                raise SystemExit(f"{argv[0]} exited: {log.read().decode(errors='replace')[-2000:]}")
            if _answers(probe, headers):
                break
            time.sleep(0.01)
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


@dataclass
class Row:
    server: str
    api: str
    kind: str  # "repeated" or "stream"
    runs: Runs
    rss: float


@dataclass
class Runs:
    """The loads of alternated runs of one (server, request mix): medians, and the spread of req/s."""

    loads: list[Load] = field(default_factory=list)

    @property
    def median(self) -> Load:
        return Load(
            statistics.median(x.rps for x in self.loads),
            statistics.median(x.p50_ms for x in self.loads),
            statistics.median(x.p99_ms for x in self.loads),
            sum(x.errors for x in self.loads),
        )

    @property
    def spread(self) -> str:
        """The req/s range over the runs, as ± % of the median (how far apart a 5 % difference must be)."""
        rates = [x.rps for x in self.loads]
        middle = statistics.median(rates)
        return f"{100 * (min(rates) - middle) / middle:+.0f}/{100 * (max(rates) - middle) / middle:+.0f} %"


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


def launch_times(counts: list[int], runs: int) -> dict[int, list[float]]:
    """Seconds from launch to /healthz 200 at each size: one server at a time, sizes alternated run after run
    (``LAUNCHES`` runs at least: a launch takes a second or two, and one launch varies by a tenth of one)."""
    ready: dict[int, list[float]] = {count: [] for count in counts}
    for _ in range(max(runs, LAUNCHES)):
        for count in counts:
            port = free_port()
            argv = [str(BIN / "mockserver"), "serve", "--port", str(port), "--count", str(count)]
            with running(argv, f"http://127.0.0.1:{port}/healthz", {}) as (_, seconds):
                ready[count].append(seconds)
    return ready


def compare_peers(peer_list: list[Peer], auth: dict[str, str], bearer: str, args: argparse.Namespace) -> list[Row]:
    """Per API, every peer started at once, then warm-up and ``args.runs`` rounds over the peers (repeated, stream)."""
    rows: list[Row] = []
    for api, (_, path, hdrs) in APIS.items():
        headers = {**auth, **hdrs}
        with ExitStack() as stack:
            started = []
            for peer in peer_list:
                port = free_port()
                argv = [a.format(port=port, api=api) for a in peer.argv]
                base = f"http://127.0.0.1:{port}{peer.prefix[api]}"
                console.print(f"[dim]starting {peer.name} · {api}[/dim]")
                process, _ = stack.enter_context(running(argv, base + path, headers, peer.env, peer.cores))
                env = {"API": api, "TOKEN": bearer, "PREFIX": peer.prefix[api]}
                started.append((peer, process, base, f"http://127.0.0.1:{port}", env))
            results = {(peer.name, kind): Runs() for peer, *_ in started for kind in ("repeated", "stream")}
            for round_ in range(args.runs + 1):  # round 0 warms up (the JVM's JIT, caches, text pools)
                seconds = max(3, args.seconds // 2) if round_ == 0 else args.seconds
                for peer, _, base, root, env in started:
                    repeated = wrk(base + path, seconds, headers, None, env)
                    stream = wrk(root, seconds, {}, BENCH / "stream.lua", env)
                    if round_:
                        results[peer.name, "repeated"].loads.append(repeated)
                        results[peer.name, "stream"].loads.append(stream)
                console.print(f"[dim]  {api}: round {round_}/{args.runs} done[/dim]")
            for peer, process, *_ in started:
                memory = rss_mb(process.pid)
                for kind in ("repeated", "stream"):
                    rows.append(Row(peer.name, api, kind, results[peer.name, kind], memory))
    return rows


@dataclass
class Scaling:
    counts: list[int]
    stream: dict[tuple[str, int], Runs]  # (api, records per API)
    ready: dict[int, list[float]]
    rss: dict[int, float]
    rss_workers: float  # --workers 2 at the largest size, after a stream: RSS summed over the processes
    pss_workers: float  # the same, proportional (shared pages counted once)


def scaling(bearer: str, args: argparse.Namespace) -> Scaling:
    counts = [int(c) for c in args.scales.split(",")]
    ready = launch_times(counts, args.runs)
    stream = {(api, count): Runs() for api in APIS for count in counts}
    rss: dict[int, float] = {}
    with ExitStack() as stack:
        servers = {}
        for count in counts:
            port = free_port()
            argv = [str(BIN / "mockserver"), "serve", "--port", str(port), "--count", str(count)]
            process, _ = stack.enter_context(running(argv, f"http://127.0.0.1:{port}/healthz", {}))
            servers[count] = (process, f"http://127.0.0.1:{port}")
        for api, (prefix, _, _) in APIS.items():
            env = {"API": api, "TOKEN": bearer, "PREFIX": prefix}
            for round_ in range(args.runs + 1):  # round 0 warms up
                for count, (_, url) in servers.items():
                    load = wrk(url, max(3, args.seconds // 2) if round_ == 0 else args.seconds, {}, STREAM, env)
                    if round_:
                        stream[api, count].loads.append(load)
            console.print(f"[dim]scaling · {api} done[/dim]")
        for count, (process, _) in servers.items():
            rss[count] = rss_mb(process.pid)
    port = free_port()
    argv = [str(BIN / "mockserver"), "serve", "--port", str(port), "--count", str(counts[-1]), "--workers", "2"]
    with running(argv, f"http://127.0.0.1:{port}/healthz", {}, cores="0,1") as (process, _):
        for api, (prefix, _, _) in APIS.items():
            wrk(f"http://127.0.0.1:{port}", 3, {}, STREAM, {"API": api, "TOKEN": bearer, "PREFIX": prefix})
        rss_workers, pss_workers = rss_mb(process.pid), pss_mb(process.pid)
    return Scaling(counts, stream, ready, rss, rss_workers, pss_workers)


def profile(counts: list[int]) -> str:
    """The in-process cost per request at the smallest and largest size, and where it goes at the largest."""
    argv = [str(BIN / "python"), "-m", "bench.inprocess", "--counts", f"{counts[0]},{counts[-1]}", "--profile"]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=True)
    return done.stdout.strip("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--scales", default="1000,100000,1000000")
    parser.add_argument("--no-peers", action="store_true", help="Only the scaling and fuzz parts (a quick re-run).")
    parser.add_argument("--journal", type=Path, help="bench.journal's figures (its --out) to report with this run's")
    args = parser.parse_args()
    with contextlib.suppress(AttributeError, OSError):  # the bench's own polling and reading, off the server's core
        os.sched_setaffinity(0, {int(LOAD_CORE)})
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
    rows = [] if args.no_peers else compare_peers(peers(bodies, body_dir), auth, bearer, args)
    scaled = scaling(bearer, args)
    report(rows, scaled, profile(scaled.counts), [] if args.no_peers else fuzz_speed(bearer), args)


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


def _table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Print a table and return it as Markdown lines."""
    shown = Table(title=title)
    for n, column in enumerate(header):
        shown.add_column(column, justify="left" if n < 3 else "right")
    for cells in rows:
        shown.add_row(*cells)
    console.print(shown)
    return ["| " + " | ".join(header) + " |", "|---" * len(header) + "|", *("| " + " | ".join(r) + " |" for r in rows)]


def _verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def targets(rows: list[Row], scaled: Scaling) -> list[tuple[str, str, str]]:
    """Each of issue 15's targets: what it asks, what this run measured, met or missed."""
    found: list[tuple[str, str, str]] = []
    small, large = scaled.counts[0], scaled.counts[-1]
    for api in APIS:
        a, b = scaled.stream[api, small].median, scaled.stream[api, large].median
        p50, p99, rps = b.p50_ms / a.p50_ms, b.p99_ms / a.p99_ms, b.rps / a.rps
        found.append(
            (
                f"{api}: {large:,} vs {small:,} records: p50 ≤ 1.25×, p99 ≤ 1.5×, req/s ≥ 0.8×",
                f"p50 {p50:.2f}× ({b.p50_ms:.2f} vs {a.p50_ms:.2f} ms), p99 {p99:.2f}× "
                f"({b.p99_ms:.2f} vs {a.p99_ms:.2f} ms), req/s {rps:.2f}×",
                _verdict(p50 <= 1.25 and p99 <= 1.5 and rps >= 0.8),
            )
        )
    ready = statistics.median(scaled.ready[large]) / statistics.median(scaled.ready[small])
    found.append(
        (
            f"ready (launch → /healthz 200) at {large:,} ≤ 1.5× at {small:,}",
            f"{ready:.2f}× ({statistics.median(scaled.ready[large]):.2f} s vs "
            f"{statistics.median(scaled.ready[small]):.2f} s)",
            _verdict(ready <= 1.5),
        )
    )
    found.append(
        (
            f"RSS at {large:,} records per API ≤ 250 MB",
            f"{scaled.rss[large]:.0f} MB (--workers 2, supervisor and workers: {scaled.pss_workers:.0f} MB "
            f"proportional, {scaled.rss_workers:.0f} MB RSS summed)",
            _verdict(scaled.rss[large] <= 250),
        )
    )
    ours = {(r.api, r.kind): r.runs.median.rps for r in rows if r.server == "mockserver"}
    for peer, goal, label in (
        ("starlette", 0.35, "the bare-Starlette ceiling"),
        ("prism", 3, "Prism"),
        ("wiremock", 3, "WireMock"),
    ):
        for row in rows:
            if row.server.startswith(peer) and row.kind == "stream":
                ratio = ours[row.api, "stream"] / row.runs.median.rps
                found.append(
                    (
                        f"{row.api}: stream ≥ {goal}× {label}",
                        f"{ratio:.2f}× ({ours[row.api, 'stream']:,.0f} vs {row.runs.median.rps:,.0f} req/s)",
                        _verdict(ratio >= goal),
                    )
                )
    return found


def journal_targets(journal: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Issue 12's target, from bench.journal's figures: the journal costs under 5 % of the throughput."""
    target = journal["method"]["target"]
    return [
        (
            f"{api}: the request journal costs < {100 * target:.0f} % of the stream's req/s (issue 12)",
            f"{100 * (1 - f['ratio']):.1f} % (quartiles {100 * (1 - f['high']):.1f}–{100 * (1 - f['low']):.1f} %; "
            f"control {100 * (1 - journal['control'][api]['ratio']):.1f} %)"
            if api in journal["control"]
            else f"{100 * (1 - f['ratio']):.1f} %",
            _verdict(1 - f["ratio"] < target),
        )
        for api, f in journal["journal"].items()
    ]


def journal_section(journal: dict[str, Any]) -> list[str]:
    """bench.journal's method and figures, as a section of RESULTS.md."""
    m = journal["method"]
    rows = [
        (
            api,
            pair,
            f"{f['on']:,.0f}",
            f"{f['off']:,.0f}",
            f"{f['ratio']:.3f}",
            f"{f['low']:.3f}–{f['high']:.3f}",
            f"{100 * (1 - f['ratio']):.1f} %",
        )
        for key, pair in (("journal", "on ÷ off"), ("control", "control (on ÷ on)"))
        for api, f in journal[key].items()
    ]
    return [
        "## The request journal's cost",
        "",
        f"`bench/journal.py --control` (run by `make bench` before this report): {m['rounds']} rounds of fresh "
        f"server processes, {m['pairs']} alternated pairs of {m['seconds']} s runs of the never-repeating stream per "
        "round and API, journal on (its default size) against `--journal 0`; the cost is one minus the median of "
        "the paired ratios. The control runs the same method on two identical servers: its 'cost' is the noise.",
        "",
        *_table(
            "The journal's cost on the never-repeating stream",
            ("api", "pair", "req/s (first)", "req/s (second)", "median ratio", "quartiles", "cost"),
            rows,
        ),
        "",
    ]


def report(
    rows: list[Row],
    scaled: Scaling,
    profiled: str,
    fuzz: list[tuple[str, str, int, float]],
    args: argparse.Namespace,
) -> None:
    ours = {(r.api, r.kind): r.runs.median.rps for r in rows if r.server == "mockserver"}
    peer_lines = _table(
        "Throughput (server on one core, wrk -t1 -c32 on the other; medians of alternated runs)",
        ("server", "api", "load", "req/s", "spread", "p50 ms", "p99 ms", "RSS MB", "non-2xx", "ours ÷ this"),
        [
            (
                r.server,
                r.api,
                r.kind,
                f"{r.runs.median.rps:,.0f}",
                r.runs.spread,
                f"{r.runs.median.p50_ms:.2f}",
                f"{r.runs.median.p99_ms:.2f}",
                f"{r.rss:.0f}",
                str(r.runs.median.errors),
                f"{ours[r.api, r.kind] / r.runs.median.rps:.2f}×",
            )
            for r in rows
        ],
    )
    scale_lines = _table(
        "Scaling: the never-repeating stream of each API at N records per API (alternated runs)",
        ("api", "records per API", "req/s", "spread", "p50 ms", "p99 ms", "÷ smallest: p50", "p99", "req/s"),
        [
            (
                api,
                f"{count:,}",
                f"{load.median.rps:,.0f}",
                load.spread,
                f"{load.median.p50_ms:.2f}",
                f"{load.median.p99_ms:.2f}",
                f"{load.median.p50_ms / base.p50_ms:.2f}×",
                f"{load.median.p99_ms / base.p99_ms:.2f}×",
                f"{load.median.rps / base.rps:.2f}×",
            )
            for (api, count), load in scaled.stream.items()
            for base in [scaled.stream[api, scaled.counts[0]].median]
        ],
    )
    start_lines = _table(
        f"Start-up and memory (launch → /healthz 200, {max(args.runs, LAUNCHES)} alternated launches per size polled "
        "every 10 ms from the load core; RSS after the stream runs)",
        ("records per API", "ready s (median)", "ready s (runs)", "RSS MB"),
        [
            (
                f"{count:,}",
                f"{statistics.median(scaled.ready[count]):.2f}",
                ", ".join(f"{x:.2f}" for x in scaled.ready[count]),
                f"{scaled.rss[count]:.0f}",
            )
            for count in scaled.counts
        ],
    )
    journal = orjson.loads(args.journal.read_bytes()) if args.journal is not None and args.journal.exists() else None
    target_lines = _table(
        "Targets measured in this run (issue 15's; issue 12's journal cost)",
        ("target", "measured", "verdict"),
        targets(rows, scaled) + (journal_targets(journal) if journal else []),
    )
    write_latency_chart(
        BENCH / "latency-vs-records.svg",
        scaled.counts,
        {
            f"{api} {name}": [getattr(scaled.stream[api, c].median, field_) for c in scaled.counts]
            for api in APIS
            for name, field_ in (("p50", "p50_ms"), ("p99", "p99_ms"))
        },
    )
    plain = {api: n / s for name, api, n, s in fuzz if name == "st run" and s}
    fuzz_lines = _table(
        "Fuzz speed against the mock (max-examples 100, seed 1)",
        ("tool", "api", "requests", "seconds", "requests/s", "÷ st run"),
        [
            (name, api, str(n), f"{sec:.1f}", f"{n / sec:.0f}", f"{(n / sec) / plain[api]:.2f}×")
            for name, api, n, sec in fuzz
        ],
    )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    packages = ("connexion", "uvicorn", "starlette", "schemathesis")
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in packages)
    tools = "; ".join(_first_line(argv) for argv in (["wrk", "--version"], ["java", "-version"], ["node", "--version"]))
    command = f"make bench  (bench/run.py --seconds {args.seconds} --runs {args.runs} --scales {args.scales})"
    load = os.getloadavg()
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"- machine: {machine}; load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
            f"- command: `{command}`",
            f"- versions: {versions}; prism-cli 5.16.0 and wiremock 3.13.2 (bench/package.json); {tools}",
            f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "- method: each server pinned to core 0 (`taskset`), wrk pinned to core 1, 32 connections. The servers "
            "compared are all started first; a warm-up round, then rounds that alternate between them, so that a "
            "drift of the machine falls on each; figures are medians of the rounds, `spread` is the lowest and "
            "highest req/s of the rounds around that median. `repeated` is one request; `stream` never repeats "
            "(bench/stream.lua). Peers that serve a fixed example ignore the query; ours answers it.",
            "",
            "## Targets",
            "",
            *target_lines,
            "",
            "## Peers",
            "",
            *(peer_lines if rows else ["(not measured in this run: --no-peers)"]),
            "",
            "## Scaling",
            "",
            "![latency against records per API](latency-vs-records.svg)",
            "",
            *scale_lines,
            "",
            *start_lines,
            "",
            *(journal_section(journal) if journal else []),
            "## Where a request's time goes at the largest size",
            "",
            "`bench/inprocess.py --profile`: the same stream answered in one process as the server answers it (by "
            "the fast lane; no sockets, no uvicorn, no wrk), CPU time per request, then cProfile's cumulative share "
            "of the named stages. What the lane leaves out (uvicorn's parsing and the event loop, the kernel's "
            "sockets) is the difference between the stream's req/s above and these figures.",
            "",
            "```",
            profiled,
            "```",
            "",
            "## Fuzz speed",
            "",
            "`mockserver fuzz` also sends its survey and the extra requests of its semantic checks.",
            "",
            *(fuzz_lines if fuzz else ["(not measured in this run: --no-peers)"]),
            "",
        ]
    )
    (BENCH / "RESULTS.md").write_text(text, encoding="utf-8")
    console.print(f"wrote {BENCH / 'RESULTS.md'} and {BENCH / 'latency-vs-records.svg'}")


if __name__ == "__main__":
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is not installed (make bench installs it)")
    main()
