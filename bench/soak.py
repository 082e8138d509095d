"""Soak: concurrent clients on both APIs of a mock started here on a free loopback port, bounded in time and count.

Prints requests, failed requests (transport errors), 5xx, statuses, p50/p99 latency and the server's resident memory
(VmRSS from /proc/PID/status) at start, after warm-up and at the end. Exit 1 on any failure, any 5xx, any answer
other than the one expected, or memory growth beyond ``--max-rss-growth-mib`` after warm-up.

    .venv/bin/python bench/soak.py [--duration 180] [--clients 8] [--max-requests 2000000]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from mockserver.core.tokens import mint_token

TOKEN = mint_token(["calendar.event.read"])
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SESSION = {**AUTH, "x-session-token": "soak", "content-type": "application/json"}
EVENTS = "/events?from={lo}&to={hi}&limit={size}&page={page}"
INTERVENTIONS = (
    "/main/calendar/v2/rs/events?scheduledStart={lo}&scheduledEnd={hi}&includeSites=false"
    "&includeCount=true&pageSize={size}&page={page}"
)
WINDOWS = [
    ("2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
    ("2024-11-01T00:00:00Z", "2025-02-01T00:00:00Z"),
    ("2025-03-01T00:00:00Z", "2025-03-02T00:00:00Z"),
]


@dataclass(frozen=True)
class Call:
    path: str
    headers: dict[str, str]
    expected: int


def mix() -> list[Call]:
    """A fixed rotation: both APIs, several windows and pages, and a share of refusals (401, 400, 403)."""
    calls = []
    for n in range(60):
        lo, hi = WINDOWS[n % len(WINDOWS)]
        size, page = (5, 20, 100)[n % 3], 1 + n % 4
        calls.append(Call(EVENTS.format(lo=lo, hi=hi, size=size, page=page), AUTH, 200))
        calls.append(Call(INTERVENTIONS.format(lo=lo, hi=hi, size=size, page=page), SESSION, 200))
    calls += [
        Call(EVENTS.format(lo="2023-02-29T00:00:00Z", hi=WINDOWS[0][1], size=5, page=1), AUTH, 400),
        Call(EVENTS.format(lo=WINDOWS[0][0], hi=WINDOWS[0][1], size=5, page=1), {}, 401),
        Call(
            EVENTS.format(lo=WINDOWS[0][0], hi=WINDOWS[0][1], size=5, page=1),
            {"Authorization": f"Bearer {mint_token(['other'])}"},
            403,
        ),
        Call(INTERVENTIONS.format(lo=WINDOWS[0][0], hi=WINDOWS[0][1], size="x", page=1), SESSION, 400),
    ]
    return calls


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.failures)


def rss_kib(pid: int) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    assert match, text
    return int(match.group(1))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


async def client(base: str, calls: list[Call], offset: int, deadline: float, budget: list[int], tally: Tally) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        n = offset
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            call = calls[n % len(calls)]
            n += 1
            start = time.perf_counter()
            try:
                response = await http.get(call.path, headers=call.headers)
            except httpx.HTTPError as exc:
                tally.failures.append(f"{call.path}: {exc!r}")
                continue
            tally.latencies.append(time.perf_counter() - start)
            tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
            if response.status_code != call.expected and len(tally.unexpected) < 20:
                tally.unexpected.append(f"{response.status_code} (expected {call.expected}) {call.path}")


async def load(base: str, clients: int, seconds: float, max_requests: int) -> Tally:
    calls, tally, budget = mix(), Tally(), [max_requests]
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(client(base, calls, i * 7, deadline, budget, tally) for i in range(clients)))
    return tally


def start_server(args: list[str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``mockserver serve --port 0``: the kernel picks a free loopback port, which the banner's first line names."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--host", "127.0.0.1", "--port", "0", *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    for _ in range(600):
        found = re.search(r"^mockserver on (http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"), re.MULTILINE)
        if found:
            try:
                if httpx.get(f"{found.group(1)}/healthz", timeout=1).status_code == 200:
                    return process, found.group(1)
            except httpx.TransportError:
                pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the mock did not start:\n{log.read_text(errors='replace')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load (default 180)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before the baseline RSS")
    parser.add_argument("--clients", type=int, default=8, help="concurrent keep-alive clients (default 8)")
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="stop after this many requests")
    parser.add_argument(
        "--max-rss-growth-mib",
        type=float,
        default=20.0,
        help="fail when RSS grows more than this after warm-up (default 20)",
    )
    parser.add_argument("--count", type=int, default=1000, help="records per API (default 1000)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        process, base = start_server(["--count", str(options.count), "--seed", "0"], log)
        try:
            rss_start = rss_kib(process.pid)
            warm = asyncio.run(load(base, options.clients, options.warmup, options.max_requests))
            rss_warm = rss_kib(process.pid)
            began = time.monotonic()
            tally = asyncio.run(
                load(base, options.clients, options.duration, max(0, options.max_requests - warm.requests))
            )
            elapsed = time.monotonic() - began
            rss_end = rss_kib(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
        errors = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if "Traceback" in line or line.startswith("ERROR")
        ]

    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    growth_mib = (rss_end - rss_warm) / 1024
    print(f"soak: {base}, {options.clients} clients, {elapsed:.0f} s after {options.warmup:.0f} s warm-up")
    statuses = dict(sorted(tally.statuses.items()))
    print(f"requests: {tally.requests} ({tally.requests / elapsed:.0f}/s), statuses {statuses}")
    print(f"failed requests: {len(tally.failures) + len(warm.failures)}")
    print(f"5xx: {server_errors + sum(n for s, n in warm.statuses.items() if s >= 500)}")
    print(f"unexpected statuses: {len(tally.unexpected) + len(warm.unexpected)}")
    print(
        f"latency: p50 {percentile(tally.latencies, 0.50) * 1000:.1f} ms, "
        f"p99 {percentile(tally.latencies, 0.99) * 1000:.1f} ms, max {max(tally.latencies, default=0) * 1000:.1f} ms"
    )
    print(
        f"server RSS: start {rss_start / 1024:.1f} MiB, after warm-up {rss_warm / 1024:.1f} MiB, "
        f"end {rss_end / 1024:.1f} MiB (growth after warm-up {growth_mib:+.1f} MiB)"
    )
    print(f"server log errors: {len(errors)}")
    for line in [*tally.failures[:5], *tally.unexpected[:5], *warm.unexpected[:5], *errors[:5]]:
        print("  " + line)
    ok = (
        not tally.failures
        and not warm.failures
        and not server_errors
        and not tally.unexpected
        and not warm.unexpected
        and not errors
        and growth_mib <= options.max_rss_growth_mib
        and tally.requests > 0
    )
    print("soak: OK" if ok else "soak: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
