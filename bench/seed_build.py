"""Other clients' latency while a ``Prefer: seed`` dataset of a million records is built (issue "Bounded by
construction": the build runs off the event loop). Starts its own mock on a free loopback port with ``--count``
records, measures plain requests from one client before and during the build of a new seed's dataset, and prints
p50 / p99 / max of each and their ratio, and how long the seeded request took. Bounded in time and count.

    .venv/bin/python -m bench.seed_build [--count 1000000]
"""

from __future__ import annotations

import argparse
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import IO

import httpx

from mockserver.core.tokens import mint_token

AUTH = {"Authorization": f"Bearer {mint_token(['calendar.event.read'])}"}
PAGE = "/events?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&limit=20"


def _start(count: int, log: IO[str]) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--count", str(count)]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True)  # a pipe would fill up
    for _ in range(1200):
        found = re.search(r"(http://127\.0\.0\.1:\d+)", pathlib.Path(log.name).read_text())
        if found:
            try:
                httpx.get(found.group(1) + "/healthz", timeout=1)
                return process, found.group(1)
            except httpx.TransportError:
                pass  # the banner comes before the server listens
        time.sleep(0.05)
    process.kill()
    raise SystemExit("the mock did not start")


def _latencies(client: httpx.Client, base: str, until: threading.Event, limit: int = 20_000) -> list[float]:
    taken: list[float] = []
    while not until.is_set() and len(taken) < limit:
        began = time.perf_counter()
        assert client.get(base + PAGE, headers=AUTH).status_code == 200
        taken.append(time.perf_counter() - began)
    return taken


def _describe(name: str, values: list[float]) -> str:
    p99 = statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]
    return f"{name}: {len(values)} requests, p50 {statistics.median(values) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    log = tempfile.NamedTemporaryFile("w+", suffix=".log")  # noqa: SIM115 (closed at the end)
    process, base = _start(args.count, log)
    try:
        with httpx.Client(timeout=60) as client:
            for _ in range(200):  # warm, and wait for the background orders
                client.get(base + PAGE, headers=AUTH)
            stop = threading.Event()
            timer = threading.Timer(3.0, stop.set)
            timer.start()
            before = _latencies(client, base, stop)
            stop.clear()
            seeded: list[float] = []

            def build() -> None:
                began = time.perf_counter()
                with httpx.Client(timeout=120) as other:
                    other.get(base + PAGE, headers={**AUTH, "Prefer": "seed=987654"})
                seeded.append(time.perf_counter() - began)
                stop.set()

            builder = threading.Thread(target=build)
            builder.start()
            during = _latencies(client, base, stop)
            builder.join(timeout=120)
        print(f"seed build at --count {args.count}: the seeded request took {seeded[0]:.2f} s")
        print(_describe("before", before))
        print(_describe("during the build", during))
        print(f"ratio during / before: p50 {statistics.median(during) / statistics.median(before):.2f}x")
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main()
