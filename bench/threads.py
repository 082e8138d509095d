"""Where a server's CPU goes, thread by thread: the CPU time per request of each process's main thread and of its
other threads (the Redis store's thread), for several server settings measured in alternated wrk runs.

Each setting is one server started once (a list of ``mockserver serve`` arguments; ``{redis}`` is replaced by the URL
of a ``redis-server`` started here on the load core), pinned to the server core; wrk drives the never-repeating
stream from the other core, the settings in turn, the order reversed every round. The CPU time is each thread's
``schedstat`` run time (nanoseconds, not clock ticks), so a thread that runs a few milliseconds a second is measured
too. Prints, per setting, the medians over the rounds and the paired difference of the total against the first.

    python -m bench.threads --api events --rounds 12 -- "--journal 0" "" "--state {redis}"
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
from contextlib import ExitStack
from pathlib import Path

from bench.journal import STREAM, family
from bench.run import APIS, BIN, running, wrk
from bench.state import redis_server

PORT = 18680


def _run_ns(pid: int) -> dict[tuple[int, int], int]:
    """Each thread of ``pid`` and of its children -> its run time so far (ns)."""
    found = {}
    for each in family(pid):
        for task in os.listdir(f"/proc/{each}/task"):
            try:
                found[(each, int(task))] = int(Path(f"/proc/{each}/task/{task}/schedstat").read_text().split()[0])
            except FileNotFoundError:  # gone meanwhile
                continue
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("settings", nargs="+", help="one server's arguments each, quoted ({redis}: the Redis URL)")
    parser.add_argument("--api", choices=sorted(APIS), default="events")
    parser.add_argument("--rounds", type=int, default=12, help="runs of each setting")
    parser.add_argument("--seconds", type=int, default=2, help="seconds per run")
    args = parser.parse_args()
    token = subprocess.run([str(BIN / "mockserver"), "token"], capture_output=True, text=True, check=True).stdout
    prefix = APIS[args.api][0]
    env = {"API": args.api, "TOKEN": token.strip(), "PREFIX": prefix}
    with ExitStack() as stack:
        url = stack.enter_context(redis_server()) if any("{redis}" in s for s in args.settings) else ""
        servers = []
        for number, setting in enumerate(args.settings):
            port = PORT + number
            argv = [str(BIN / "mockserver"), "serve", "--port", str(port), *shlex.split(setting.format(redis=url))]
            process, _ = stack.enter_context(running(argv, f"http://127.0.0.1:{port}/healthz", {}))
            servers.append((setting, port, process.pid))
        for _, port, _ in servers:  # warm-up
            wrk(f"http://127.0.0.1:{port}", args.seconds, {}, STREAM, env)
        main_us: dict[str, list[float]] = {s: [] for s, _, _ in servers}
        other_us: dict[str, list[float]] = {s: [] for s, _, _ in servers}
        for round_number in range(args.rounds):
            for setting, port, pid in servers if round_number % 2 == 0 else servers[::-1]:
                before = _run_ns(pid)
                load = wrk(f"http://127.0.0.1:{port}", args.seconds, {}, STREAM, env)
                spent = {key: ns - before.get(key, 0) for key, ns in _run_ns(pid).items()}
                answered = load.rps * args.seconds
                main_us[setting].append(sum(ns for (p, t), ns in spent.items() if p == t) / 1000 / answered)
                other_us[setting].append(sum(ns for (p, t), ns in spent.items() if p != t) / 1000 / answered)
    totals = {s: [m + o for m, o in zip(main_us[s], other_us[s], strict=True)] for s in main_us}
    first = args.settings[0]
    print(f"CPU µs per request, {args.api}, never-repeating stream: {args.rounds} alternated {args.seconds} s runs")
    for setting in args.settings:
        low, _, high = statistics.quantiles(totals[setting], n=4)
        line = (
            f"  {setting or '(defaults)'}: total {statistics.median(totals[setting]):.1f} (quartiles {low:.1f}–"
            f"{high:.1f}), main threads {statistics.median(main_us[setting]):.1f}, other threads "
            f"{statistics.median(other_us[setting]):.2f}"
        )
        if setting != first:
            paired = [a - b for a, b in zip(totals[setting], totals[first], strict=True)]
            line += f"; paired against the first: {statistics.median(paired):+.1f}"
        print(line)


if __name__ == "__main__":
    main()
