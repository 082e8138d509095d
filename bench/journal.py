"""`make bench` (part): what the request journal costs on the never-repeating stream, journal on against off.

Two mocks of the same data, one with the journal at its default size and one with ``--journal 0``, both pinned to
the server core; wrk on the other core drives them in alternation (on, off, on, off, ...), so that drift of the
machine falls on both. Prints the median req/s of each with its spread, and the ratio, for both APIs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
from contextlib import ExitStack

from bench.run import APIS, BENCH, BIN, running, wrk

STREAM = BENCH / "stream.lua"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="alternated runs per setting (median of these)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per run")
    args = parser.parse_args()
    token = subprocess.run([str(BIN / "mockserver"), "token"], capture_output=True, text=True, check=True).stdout
    token = token.strip()
    print(f"journal cost, never-repeating stream, {args.runs} alternated runs of {args.seconds} s each")
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
            for port in ports.values():  # warm-up
                wrk(f"http://127.0.0.1:{port}", 2, {}, STREAM, env)
            for _ in range(args.runs):
                for name, port in ports.items():
                    rates[name].append(wrk(f"http://127.0.0.1:{port}", args.seconds, {}, STREAM, env).rps)
            on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
            spread = {k: f"{min(v):,.0f}–{max(v):,.0f}" for k, v in rates.items()}
            print(
                f"  {api}: journal on {on:,.0f} req/s ({spread['on']}), off {off:,.0f} req/s ({spread['off']}): "
                f"on ÷ off = {on / off:.3f} (cost {100 * (1 - on / off):.1f} %)"
            )


if __name__ == "__main__":
    main()
