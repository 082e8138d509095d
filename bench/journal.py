"""`make bench` (part): what the request journal costs on the never-repeating stream, journal on against off.

Two mocks of the same data, one with the journal at its default size and one with ``--journal 0``, both pinned to
the server core; wrk on the other core drives them in short alternated runs (on, off, then off, on, ...), so that
drift of the machine falls on both, and each run is paired with its neighbour of the other setting. Prints, per
API, the median req/s of each setting with its spread, and the median of the paired ratios on ÷ off with their
interquartile range: the cost is one minus that median (the issue's target: under 5 %).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
from contextlib import ExitStack

from bench.run import APIS, BENCH, BIN, running, wrk

STREAM = BENCH / "stream.lua"
TARGET = 0.05  # the journal's cost may be at most this share of the throughput


def _quartiles(values: list[float]) -> tuple[float, float]:
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=15, help="alternated pairs of runs per API")
    parser.add_argument("--seconds", type=int, default=2, help="seconds per run")
    args = parser.parse_args()
    token = subprocess.run([str(BIN / "mockserver"), "token"], capture_output=True, text=True, check=True).stdout
    token = token.strip()
    print(f"journal cost, never-repeating stream, {args.pairs} alternated pairs of {args.seconds} s runs")
    with ExitStack() as stack:
        ports = {"on": 18611, "off": 18612}
        for name, port in ports.items():
            extra = ["--journal", "0"] if name == "off" else []
            stack.enter_context(
                running(
                    [str(BIN / "mockserver"), "serve", "--port", str(port), *extra],
                    f"http://127.0.0.1:{port}/healthz",
                    {},
                )
            )
        for api, (prefix, _, _headers) in APIS.items():
            rates: dict[str, list[float]] = {"on": [], "off": []}
            env = {"API": api, "TOKEN": token, "PREFIX": prefix}
            for port in ports.values():  # warm-up: caches, the journal's ring filled
                wrk(f"http://127.0.0.1:{port}", 3, {}, STREAM, env)
            for i in range(args.pairs):
                order = ("on", "off") if i % 2 == 0 else ("off", "on")
                for name in order:
                    rates[name].append(wrk(f"http://127.0.0.1:{ports[name]}", args.seconds, {}, STREAM, env).rps)
            ratios = [on / off for on, off in zip(rates["on"], rates["off"], strict=True)]
            ratio = statistics.median(ratios)
            low, high = _quartiles(ratios)
            spread = {k: f"{min(v):,.0f}–{max(v):,.0f}" for k, v in rates.items()}
            verdict = "met" if 1 - ratio < TARGET else "missed"
            print(
                f"  {api}: journal on {statistics.median(rates['on']):,.0f} req/s ({spread['on']}), "
                f"off {statistics.median(rates['off']):,.0f} req/s ({spread['off']}); paired on ÷ off: median "
                f"{ratio:.3f} (quartiles {low:.3f}–{high:.3f}), cost {100 * (1 - ratio):.1f} % "
                f"(target < {100 * TARGET:.0f} %: {verdict})"
            )


if __name__ == "__main__":
    main()
