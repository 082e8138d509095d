"""`make bench` (part): µs per request straight into the ASGI app, no sockets, at several dataset sizes.

The never-repeating stream of bench/stream.lua, rewritten here as ASGI scopes, is answered as the server answers it
(``create_served``: by the fast lane, which answers every request of the stream, else by the ASGI app) in one
process, alternating the sizes run after run, so that the figures say what the mock's own code costs per request
without the HTTP server, the network and wrk in the way. It also checks that each answer is a 200.

    .venv/bin/python -m bench.inprocess [--counts 1000,1000000] [--requests 3000] [--runs 5] [--api events] [--profile]

``--profile`` then runs the stream once more at the largest size under cProfile and prints, per API, the functions
of the named stages of a request (cumulative CPU time, with cProfile's own overhead, which inflates the stages
that make many small calls).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from mockserver.core.tokens import mint_token
from mockserver.server.app import Served, create_served
from mockserver.server.settings import Settings

__all__ = ["stream_scopes", "time_requests"]

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
ORDERS = ("start", "end", "created_at", "updated_at")
CATEGORIES = ("學生", "教職員", "行政", "活動", "考試", "假日")


def _instant(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stream_scopes(api: str, token: str, count: int, seed: int = 20251) -> Iterator[dict[str, Any]]:
    """``count`` ASGI scopes of the stream bench/stream.lua sends (the same shape; its own generator)."""
    rng = random.Random(seed)
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode())]
    for n in range(1, count + 1):
        start = 1720224000 + (n * 7919) % (340 * 86400)
        stop = start + rng.randint(1, 30) * 86400
        if api == "interventions":
            path = "/main/calendar/v2/rs/events"
            query = (
                f"scheduledStart={_instant(start)}&scheduledEnd={_instant(stop)}&includeSites=false"
                f"&includeCount={'true' if n % 2 == 0 else 'false'}&page={rng.randint(1, 4)}"
                f"&pageSize={rng.randint(5, 50)}"
            )
            extra = [(b"x-session-token", b"bench"), (b"content-type", b"application/json")]
        else:
            path = "/events"
            query = (
                f"from={_instant(start)}&to={_instant(stop)}&limit={rng.randint(1, 10)}"
                f"&page={rng.randint(1, 3)}&orderBy={rng.choice(ORDERS)}"
            )
            if n % 3 == 0:
                query += "&category=" + "".join(f"%{b:02X}" for b in rng.choice(CATEGORIES).encode())
            extra = []
        yield {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers + extra,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }


async def _call(app: App, scope: dict[str, Any]) -> int:
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app({**scope, "headers": list(scope["headers"])}, receive, send)  # stages may change a scope
    return status


def time_requests(served: Served, scopes: list[dict[str, Any]]) -> float:
    """CPU seconds to answer ``scopes`` one after another (the lane first, as the server does, then the app); every
    answer must be a 200."""
    lane = served.lane

    async def run() -> float:
        began = time.process_time()  # CPU time: time spent waiting for a core shared with others is not counted
        for scope in scopes:
            answered = lane is not None and lane({**scope, "headers": list(scope["headers"])}) is not None
            status = 200 if answered else await _call(served.app, scope)
            if status != 200:
                raise SystemExit(f"{scope['path']}?{scope['query_string'].decode()} answered {status}")
        return time.process_time() - began

    return asyncio.run(run())


# The stages of a request, as (label, file suffix, function name), in the order a request meets them.
STAGES = (
    ("the fast lane (lane.Lane)", "server/lane.py", "__call__"),
    ("  credentials (Access.check)", "server/auth.py", "check"),
    ("  parameters (ParameterRules.parse)", "core/params.py", "parse"),
    ("  the page body (ApiTable.answer)", "apis/shape.py", "answer"),
    ("    query (Store.query)", "core/store.py", "query"),
    ("    records (Store.page_json)", "core/store.py", "page_json"),
    ("  the journal's entry (Journal.open)", "server/journal/ring.py", "open"),
)


def where_time_goes(served: Served, scopes: list[dict[str, Any]]) -> list[str]:
    """The cumulative CPU time of each stage of ``STAGES`` while ``served`` answers ``scopes``, per request."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    time_requests(served, scopes)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    cumulative = {(file, name): ct for (file, _, name), (_, _, _, ct, _) in stats.items()}
    whole = next(ct for (file, name), ct in cumulative.items() if file.endswith(STAGES[0][1]) and name == "__call__")
    lines = []
    for label, suffix, function in STAGES:
        spent = sum(ct for (file, name), ct in cumulative.items() if file.endswith(suffix) and name == function)
        if spent:
            lines.append(f"{label:<48} {100 * spent / whole:5.1f} %  {spent / len(scopes) * 1e6:7.1f} µs/request")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--counts", default="1000,1000000")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--api", default="events,interventions")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    token = mint_token(["calendar.event.read"])
    counts = [int(c) for c in args.counts.split(",")]
    apps = {count: create_served(Settings(count=count)) for count in counts}
    for api in args.api.split(","):
        times: dict[int, list[float]] = {count: [] for count in counts}
        for run in range(args.runs + 1):
            scopes = list(stream_scopes(api, token, args.requests, seed=run))  # fresh requests every run
            for count, app in apps.items():
                seconds = time_requests(app, scopes)
                if run:  # the first run warms up
                    times[count].append(seconds / args.requests * 1e6)
        base = statistics.median(times[counts[0]])
        for count in counts:
            us = statistics.median(times[count])
            print(
                f"{api:>14} {count:>9,} records: {us:7.1f} µs/request "
                f"({min(times[count]):.1f}–{max(times[count]):.1f}), ÷ {counts[0]:,}: {us / base:.2f}×"
            )
        if args.profile:
            print(f"\n{api}, {counts[-1]:,} records, cProfile (its own overhead inflates small functions):")
            scopes = list(stream_scopes(api, token, args.requests, seed=args.runs + 1))
            print("\n".join(where_time_goes(apps[counts[-1]], scopes)) + "\n")


if __name__ == "__main__":
    main()
