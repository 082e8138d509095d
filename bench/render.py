"""Render micro-benchmark: the cost of turning a generated record into its dict, per API.

Generates each API's dataset once (the numpy columns and the text pools, warmed by one full pass), then renders
every record ``--runs`` times and prints the best run as records per second. Rendering is what a server pays the
first time it serves a record, so this is the figure that must not grow when the draws change.

    .venv/bin/python bench/render.py [--count 20000] [--runs 5] [--seed 1]
"""

from __future__ import annotations

import argparse
import time

from mockserver.apis import names, table
from mockserver.core.openapi import ApiId
from mockserver.server.settings import DEFAULT_ANCHOR, anchor_micros


def best_seconds(api: ApiId, seed: int, count: int, runs: int) -> float:
    """The fastest of ``runs`` passes rendering records ``0 .. count-1`` of ``api``'s dataset."""
    _, render = table(api).generate(seed, count, anchor_micros(DEFAULT_ANCHOR))
    for i in range(count):  # warm-up: the text pools are written on first use
        render(i)
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        for i in range(count):
            render(i)
        best = min(best, time.perf_counter() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"render: {args.count:,} records per API, best of {args.runs}")
    for api in names():
        seconds = best_seconds(api, args.seed, args.count, args.runs)
        print(f"{api:>14}: {args.count / seconds:>10,.0f} records/s  {seconds / args.count * 1e6:6.2f} µs/record")


if __name__ == "__main__":
    main()
