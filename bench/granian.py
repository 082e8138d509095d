"""The Granian experiment (issue 15): the mock and the bare-Starlette ceiling on uvicorn and on Granian, alternated.

Not part of `make bench` (Granian is not a dependency): ``.venv/bin/pip install granian`` first, then
``.venv/bin/python -m bench.granian [--api events] [--seconds 5] [--runs 3]``. Four servers pinned to the server
core (Granian with one worker and one runtime thread), the never-repeating stream from wrk on the other core, rounds
alternating between them; prints req/s (median and range), p50, p99, launch-to-ready and RSS of each.

Decision (issue 15): uvicorn stays. On a quiet run (2026-12-04 18:27 UTC, `--seconds 5 --runs 3`, Granian 2.8.9) the
mock served the events stream at 4,891 req/s on Granian against 4,800 on uvicorn, interventions 4,468 against 4,633,
and the bare ceiling 22,690 / 23,798 against 24,201 / 24,435: no gain, within the spread. Granian (its worker is a
second process) used 135-139 MB against 102 MB. And it does not keep two behaviours: a connection that sends nothing
stays open (`--http1-header-read-timeout` only bounds a head once it has begun; `serve --head-timeout` closes both),
and `--backpressure` queues requests beyond the limit where `--max-connections` answers 503. It did keep the others
that were tried: a stalled partial head closed, plain 400 for garbage, SIGTERM delivering the in-flight answer.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from bench.run import BENCH, BIN, STREAM, free_port, rss_mb, running, token, wrk
from mockserver.server.settings import Settings

CEILING_APP = """
import os
from pathlib import Path
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

body = Path(os.environ["CEILING_BODY"]).read_bytes()


async def endpoint(request):
    return Response(body, media_type="application/json")


app = Starlette(routes=[Route("/{path:path}", endpoint)])
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--api", default="events", choices=("events", "interventions"))
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="granian-"))
    body = work / "body.json"
    body.write_bytes(b'{"events":[' + b'{"id":"x","summary":"y"},' * 5 + b'{"id":"z"}],"count":6,"page":1}')
    (work / "ceiling_app.py").write_text(CEILING_APP, encoding="utf-8")
    env = {
        "MOCKSERVER_SETTINGS": replace(Settings(), access_log=True).to_json(),  # as `mockserver serve` runs it
        "CEILING_BODY": str(body),
        "PYTHONPATH": str(work),
    }
    granian = [str(BIN / "granian"), "--interface", "asgi", "--workers", "1", "--runtime-threads", "1", "--no-ws"]
    granian += ["--log-level", "warning", "--no-access-log"]
    factory = "mockserver.server.serving:app_from_environment"
    servers: dict[str, list[str]] = {  # "{port}" is filled in at launch
        "mock on uvicorn": [str(BIN / "mockserver"), "serve", "--port", "{port}"],
        "mock on granian": [*granian, "--factory", "--port", "{port}", factory],
        "ceiling on uvicorn": [str(BIN / "python"), str(BENCH / "ceiling.py"), str(body), "{port}"],
        "ceiling on granian": [*granian, "--port", "{port}", "ceiling_app:app"],
    }
    bearer = token()
    prefix = "/main" if args.api == "interventions" else ""
    stream_env = {"API": args.api, "TOKEN": bearer, "PREFIX": prefix}
    with ExitStack() as stack:
        started = {}
        for name, argv in servers.items():
            port = free_port()
            launch = [a.format(port=port) for a in argv]
            process, ready = stack.enter_context(running(launch, f"http://127.0.0.1:{port}/healthz", {}, env))
            started[name] = (port, process, ready)
        loads: dict[str, list[tuple[float, float, float]]] = {name: [] for name in servers}
        for round_ in range(args.runs + 1):  # round 0 warms up
            for name, (port, _, _) in started.items():
                load = wrk(f"http://127.0.0.1:{port}", args.seconds, {}, STREAM, stream_env)
                if load.errors:
                    raise SystemExit(f"{name}: {load.errors} failed requests")
                if round_:
                    loads[name].append((load.rps, load.p50_ms, load.p99_ms))
        print(f"{args.api}, never-repeating stream, {args.runs} alternated rounds of {args.seconds} s")
        for name, (_, process, ready) in started.items():
            rates = [x[0] for x in loads[name]]
            print(
                f"  {name:<20} {statistics.median(rates):>7,.0f} req/s ({min(rates):,.0f}-{max(rates):,.0f}) "
                f"p50 {statistics.median(x[1] for x in loads[name]):6.2f} ms "
                f"p99 {statistics.median(x[2] for x in loads[name]):6.2f} ms "
                f"ready {ready:.2f} s  RSS {rss_mb(process.pid):.0f} MB"
            )


if __name__ == "__main__":
    main()
