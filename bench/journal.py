"""`make bench` (part): what the request journal costs on the never-repeating stream, journal on against off.

Two mocks of the same data, one with the journal at its default size and one with ``--journal 0``, both pinned to
the server core; wrk on the other core drives them in short alternated runs (on, off, then off, on), so that drift of
the machine falls on both, and each run is paired with its neighbour of the other setting.

One process is not the setting it runs: two launches of the very same server differ by several per cent in
throughput (memory layout, string hashing), as much as the effect measured here. So the runs are spread over
``--rounds`` rounds, each with a fresh pair of processes (launched in alternating order, both with the round's
``PYTHONHASHSEED``), and the cost is one minus the median of all the paired ratios on ÷ off. ``--control`` runs the
same method on two identical servers (journal on in both): its "cost" is the method's noise floor, printed beside.

Beside each run's req/s, the CPU time the server's processes (the supervisor, its workers and their threads) spent
per request answered: a machine shared with other work slows the throughput of a run far more than it changes what a
request costs the server, so the paired ratios of CPU per request (on ÷ off) are printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

import orjson

from bench.run import APIS, BENCH, BIN, running, wrk

STREAM = BENCH / "stream.lua"
TICKS = os.sysconf("SC_CLK_TCK")
TARGET = 0.05  # the journal's cost may be at most this share of the throughput
PORTS = {"on": 18611, "off": 18612}


def quartiles(values: list[float]) -> tuple[float, float]:
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def family(pid: int) -> list[int]:
    """A process and its children (a supervisor and its workers)."""
    pids = [pid]
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            pids += [int(child) for child in children.read().split()]
    return pids


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) of a process and of its children so far (a supervisor and its workers)."""
    total = 0
    for each in family(pid):
        try:
            with open(f"/proc/{each}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except FileNotFoundError:  # a worker gone meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime: the 14th and 15th fields
    return total / TICKS


def _round(
    number: int,
    args: argparse.Namespace,
    token: str,
    off_args: list[str],
    rates: dict[str, dict[str, list[float]]],
    on_args: list[str],
    cpu: dict[str, dict[str, list[float]]],
) -> None:
    """One round: a fresh "on" and "off" server, warmed up, then ``args.pairs`` alternated pairs per API (req/s,
    and the servers' CPU µs per request, into ``rates`` and ``cpu``)."""
    pids = {}
    with ExitStack() as stack:
        order = ("on", "off") if number % 2 == 0 else ("off", "on")
        for name in order:
            port = PORTS[name]
            process, _ = stack.enter_context(
                running(
                    [str(BIN / "mockserver"), "serve", "--port", str(port), *(off_args if name == "off" else on_args)],
                    f"http://127.0.0.1:{port}/healthz",
                    {},
                    env={"PYTHONHASHSEED": str(number + 1)},
                )
            )
            pids[name] = process.pid
        for api, (prefix, _, _headers) in APIS.items():
            env = {"API": api, "TOKEN": token, "PREFIX": prefix}
            for name in order:  # warm-up: caches, the journal's ring filled
                wrk(f"http://127.0.0.1:{PORTS[name]}", 2, {}, STREAM, env)
            for i in range(args.pairs):
                for name in order if i % 2 == 0 else order[::-1]:
                    before = cpu_seconds(pids[name])
                    load = wrk(f"http://127.0.0.1:{PORTS[name]}", args.seconds, {}, STREAM, env)
                    rates[api][name].append(load.rps)
                    cpu[api][name].append(1e6 * (cpu_seconds(pids[name]) - before) / (load.rps * args.seconds))


def measure(
    args: argparse.Namespace, token: str, off_args: list[str], on_args: Sequence[str] = ()
) -> dict[str, dict[str, float]]:
    """Per API: the median paired ratio on ÷ off, its quartiles and each setting's median req/s, and the median
    paired ratio of the servers' CPU per request off ÷ on (``cpu_ratio``: a throughput ratio, as ``ratio`` is); prints
    each API's lines."""
    rates: dict[str, dict[str, list[float]]] = {api: {"on": [], "off": []} for api in APIS}
    cpu: dict[str, dict[str, list[float]]] = {api: {"on": [], "off": []} for api in APIS}
    for number in range(args.rounds):
        _round(number, args, token, off_args, rates, list(on_args), cpu)
    found = {}
    for api, runs in rates.items():
        ratios = [on / off for on, off in zip(runs["on"], runs["off"], strict=True)]
        ratio = statistics.median(ratios)
        low, high = quartiles(ratios)
        spread = {k: f"{min(v):,.0f}–{max(v):,.0f}" for k, v in runs.items()}
        print(
            f"  {api}: on {statistics.median(runs['on']):,.0f} req/s ({spread['on']}), "
            f"off {statistics.median(runs['off']):,.0f} req/s ({spread['off']}); {len(ratios)} paired ratios "
            f"on ÷ off: median {ratio:.3f} (quartiles {low:.3f}–{high:.3f})"
        )
        costs = [on / off for on, off in zip(cpu[api]["on"], cpu[api]["off"], strict=True)]
        cost_low, cost_high = quartiles(costs)
        print(
            f"    server CPU per request: on {statistics.median(cpu[api]['on']):.1f} µs, off "
            f"{statistics.median(cpu[api]['off']):.1f} µs; paired on ÷ off: median {statistics.median(costs):.3f} "
            f"(quartiles {cost_low:.3f}–{cost_high:.3f})"
        )
        found[api] = {
            "cpu_ratio": 1 / statistics.median(costs),
            "ratio": ratio,
            "low": low,
            "high": high,
            "on": statistics.median(runs["on"]),
            "off": statistics.median(runs["off"]),
        }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10, help="fresh pairs of server processes")
    parser.add_argument("--pairs", type=int, default=2, help="alternated pairs of runs per API and round")
    parser.add_argument("--seconds", type=int, default=2, help="seconds per run")
    parser.add_argument("--control", action="store_true", help="also measure two identical servers (noise floor)")
    parser.add_argument("--out", type=Path, help="also write the figures there as JSON (bench.run --journal reads it)")
    args = parser.parse_args()
    token = subprocess.run([str(BIN / "mockserver"), "token"], capture_output=True, text=True, check=True).stdout
    token = token.strip()
    print(
        f"journal cost, never-repeating stream: {args.rounds} rounds of fresh processes, {args.pairs} alternated "
        f"pairs of {args.seconds} s runs per round and API"
    )
    found = measure(args, token, ["--journal", "0"])
    floor: dict[str, dict[str, float]] = {}
    if args.control:
        print("control: the same method on two identical servers (journal on in both)")
        floor = measure(args, token, [])
    for api, figures in found.items():
        ratio = figures["ratio"]
        verdict = "met" if 1 - ratio < TARGET else "missed"
        noise = f"; the control's 'cost' {100 * (1 - floor[api]['ratio']):.1f} %" if api in floor else ""
        print(f"  {api}: journal cost {100 * (1 - ratio):.1f} % (target < {100 * TARGET:.0f} %: {verdict}){noise}")
    if args.out is not None:
        method = {"rounds": args.rounds, "pairs": args.pairs, "seconds": args.seconds, "target": TARGET}
        written = {"method": method, "journal": found, "control": floor}
        args.out.write_bytes(orjson.dumps(written, option=orjson.OPT_INDENT_2) + b"\n")


if __name__ == "__main__":
    main()
