"""The cost of the Python twins against the C (what a package installed without a compiler pays), per API.

Each implementation runs in a fresh process (``MOCKSERVER_PURE=1`` selects the twins at import): it builds the
dataset (the column draws, the sorted orders), then answers the same generated queries (windows about the data,
every order, pages of 1 to 120 records) through the API's table and store, as the mock does for a request, and
reports the build's seconds and the median of ``--rounds`` passes in µs per answer; printed side by side, with the
ratio twins / C.

    .venv/bin/python -m bench.twins [--count 100000] [--queries 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from mockserver.apis import names, table
from mockserver.core.openapi import ApiId
from mockserver.server.settings import DEFAULT_ANCHOR, anchor_micros


def _params(api: ApiId, pick: random.Random) -> dict[str, Any]:
    """Validated parameters of a query about the data (as the request stage hands them to the table)."""
    served = table(api)
    start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=pick.randint(-200 * 1440, 200 * 1440))
    end = start + timedelta(minutes=pick.choice([30, 1440, 7 * 1440, 30 * 1440, 400 * 1440]))
    text = [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in (start, end)]
    params: dict[str, Any] = {served.window.lower: text[0], served.window.upper: text[1]}
    params[served.size_param] = pick.randint(1, 120)
    params[served.page_param] = pick.choice([1, 1, 2, 3])
    if served.order_param:
        params[served.order_param] = pick.choice(served.order_fields)
    if served.count_param:
        params[served.count_param] = True
    return params


def measure(api: ApiId, count: int, queries: int, rounds: int) -> dict[str, Any]:
    """In this process's implementation: the build's seconds and the median µs per answer."""
    from mockserver.apis.datasets import generated_store  # noqa: PLC0415 (after the environment is set)
    from mockserver.core import native  # noqa: PLC0415

    began = time.perf_counter()
    store = generated_store(table(api), 1, count, anchor_micros(DEFAULT_ANCHOR))
    store.settle()
    built = time.perf_counter() - began
    pick = random.Random(api)
    asked = [_params(api, pick) for _ in range(queries)]
    passes = []
    for _ in range(rounds):
        store._rendered.clear()  # no record answered from the twins' cache of an earlier round
        began = time.perf_counter()
        for params in asked:
            table(api).answer(store, params)
        passes.append((time.perf_counter() - began) / queries * 1e6)
    return {"build_s": built, "answer_us": statistics.median(passes), "implementation": native.summary()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--measure", choices=names(), help=argparse.SUPPRESS)  # the child's part
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.count, args.queries, args.rounds)))
        return
    print(f"twins: {args.count:,} records per API, {args.queries:,} queries, median of {args.rounds} passes")
    for api in names():
        found = {}
        for kind, pure in (("C", "0"), ("twins", "1")):
            child = [sys.executable, "-m", "bench.twins", "--measure", api, *sys.argv[1:]]
            done = subprocess.run(
                child, capture_output=True, text=True, check=True, env={**os.environ, "MOCKSERVER_PURE": pure}
            )
            found[kind] = json.loads(done.stdout)
        c, twins = found["C"], found["twins"]
        print(
            f"{api:>14}: build {c['build_s']:.2f} s (C) vs {twins['build_s']:.2f} s (twins), "
            f"{twins['build_s'] / c['build_s']:.1f}x; answer {c['answer_us']:.0f} µs vs {twins['answer_us']:.0f} µs, "
            f"{twins['answer_us'] / c['answer_us']:.1f}x"
        )


if __name__ == "__main__":
    main()
