"""`make bench` (part): what each state store costs, and how long a scenario takes to reach every process.

The cost is measured as ``bench.journal`` measures the journal's (alternated wrk runs on the never-repeating stream,
rounds of fresh processes, the median of the paired ratios), for each store against the same server with
``--journal 0``: today's in-process journal (one process, the embedded store with nothing to share), the embedded
store shared by ``--workers 2``, and Redis (a ``redis-server`` on the load core, started here). Each store's cost is
printed beside the in-process one, in points; the targets are at most 2 points (embedded) and 5 points (Redis) above.
The same is printed from the servers' CPU time per request (``bench.journal``), which a machine shared with other work
disturbs far less than the throughput.

Then the time from a ``PUT /__mock/scenario`` being sent to every process applying it: a ``PUT`` answers only once
every process applies it, so that time is the ``PUT``'s own round trip; requests sent right after its answer, on
fresh connections to every process, are checked to see it (``applied``: how many did, of how many).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx

from bench.journal import measure
from bench.run import BIN, LOAD_CORE, running

REDIS_PORT = 18640
REFERENCE, EMBEDDED, REDIS = "in-process (one process)", "embedded --workers 2", "redis"  # how each store is named
TARGETS = {EMBEDDED: 0.02, REDIS: 0.05}  # points above the in-process journal's cost
STORES = {"in-process": REFERENCE, "embedded": EMBEDDED, "redis": REDIS}  # --stores -> name
PUTS = 50


@contextmanager
def redis_server() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed (make redis)")
    with tempfile.TemporaryDirectory() as directory:
        argv = ["taskset", "-c", LOAD_CORE, "redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1"]
        process = subprocess.Popen(
            [*argv, "--save", "", "--appendonly", "no", "--dir", directory], stdout=subprocess.DEVNULL
        )
        try:
            time.sleep(0.5)
            yield f"redis://127.0.0.1:{REDIS_PORT}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


def propagation(name: str, servers: list[list[str]], token: str) -> None:
    """PUT round trips (each one: every process applies the scenario when it answers), and the check after it."""
    ports = [18650 + n for n in range(len(servers))]
    with servers_on(servers, ports):
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        times, applied, asked = [], 0, 0
        with httpx.Client(timeout=10) as client:
            for n in range(PUTS):
                started = time.perf_counter()
                client.put(f"{bases[n % len(bases)]}/__mock/scenario", json={"code": 503, "api": "events"})
                times.append(1000 * (time.perf_counter() - started))
                for base in bases * 2:  # fresh connections: any worker
                    asked += 1
                    query = "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"
                    got = httpx.get(f"{base}/events?{query}", headers={"Authorization": f"Bearer {token}"})
                    applied += got.status_code == 503
                client.delete(f"{bases[0]}/__mock/scenario")
        times.sort()
        print(
            f"  {name}: PUT answered (every process applying it) p50 {statistics.median(times):.2f} ms, "
            f"p90 {times[int(0.9 * len(times))]:.2f} ms; requests right after it applying it: {applied} of {asked}"
        )


@contextmanager
def servers_on(servers: list[list[str]], ports: list[int]) -> Iterator[None]:
    with ExitStack() as stack:
        for argv, port in zip(servers, ports, strict=True):
            command = [str(BIN / "mockserver"), "serve", "--port", str(port), *argv]
            stack.enter_context(running(command, f"http://127.0.0.1:{port}/healthz", {}))
        yield


def _stores(text: str) -> list[str]:
    """``--stores``: a comma-separated choice among ``STORES`` (in their order, whatever the order given)."""
    chosen = {part.strip() for part in text.split(",") if part.strip()}
    unknown = chosen - STORES.keys()
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(STORES)} (comma-separated), not {text!r}")
    return [STORES[key] for key in STORES if key in chosen]


def _verdicts(costs: dict[str, dict[str, float]], cpu_costs: dict[str, dict[str, float]]) -> None:
    """Each store's cost in points above the in-process journal's, by throughput and by CPU per request."""
    for measured, figures in (("throughput", costs), ("server CPU per request", cpu_costs)):
        base = figures[REFERENCE]
        for name, target in TARGETS.items():
            for api, cost in figures.get(name, {}).items():
                points = 100 * (cost - base[api])
                verdict = "met" if points <= 100 * target else "missed"
                print(
                    f"  {name}, {api} ({measured}): cost {100 * cost:.1f} % against {100 * base[api]:.1f} % "
                    f"in-process: {points:+.1f} points (target ≤ +{100 * target:.0f}: {verdict})"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=6, help="fresh pairs of server processes per store")
    parser.add_argument("--pairs", type=int, default=2, help="alternated pairs of runs per API and round")
    parser.add_argument("--seconds", type=int, default=2, help="seconds per run")
    parser.add_argument(
        "--stores",
        type=_stores,
        default=list(STORES.values()),
        help=f"which stores to measure, comma-separated among {', '.join(STORES)} (default: all; the points "
        "above the in-process journal are printed when in-process is among them)",
    )
    parser.add_argument("--no-propagation", action="store_true", help="skip the time from a PUT to every process")
    args = parser.parse_args()
    token = subprocess.run([str(BIN / "mockserver"), "token"], capture_output=True, text=True, check=True).stdout
    token = token.strip()
    costs: dict[str, dict[str, float]] = {}
    cpu_costs: dict[str, dict[str, float]] = {}
    with redis_server() as url:
        stores = {
            REFERENCE: ([], ["--journal", "0"]),
            EMBEDDED: (["--workers", "2"], ["--workers", "2", "--journal", "0"]),
            REDIS: (["--state", url], ["--journal", "0"]),
        }
        for name in args.stores:
            on, off = stores[name]
            print(f"{name}: journal on against --journal 0, never-repeating stream")
            found = measure(args, token, off, on)
            costs[name] = {api: 1 - f["ratio"] for api, f in found.items()}
            cpu_costs[name] = {api: 1 - f["cpu_ratio"] for api, f in found.items()}
        if REFERENCE in costs:
            _verdicts(costs, cpu_costs)
        if args.no_propagation:
            return
        print("the time from a PUT to every process applying it")
        if EMBEDDED in args.stores:
            propagation(EMBEDDED, [["--workers", "2"]], token)
        if REDIS in args.stores:
            propagation("redis, two servers", [["--state", url], ["--state", url, "--workers", "2"]], token)


if __name__ == "__main__":
    main()
