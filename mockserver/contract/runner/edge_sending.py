"""The edge requests sent up to ``--workers`` at once, each after its baseline, for the run to judge in order;
a shard's part of them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from mockserver.contract.requests.edge import Edge, with_baseline
from mockserver.contract.runner.preflight import fetch_body
from mockserver.contract.schemathesis.loading import send_case
from mockserver.contract.schemathesis.transport import BoundedSession
from mockserver.contract.schemathesis.types import Case, Operation

__all__ = ["Baselines", "EdgeOutcome", "edge_sender", "edge_senders", "shard_part"]

EdgeOutcome = tuple[Edge, Case, Any, Exception | None]  # the edge as sent, its case, the answer or the error


class Baselines:
    """The baseline answers the edge requests are compared with, each fetched once (by whichever edge asks first,
    with the run's own headers)."""

    def __init__(self, fetch: Callable[[dict[str, Any]], Any]) -> None:
        self.fetch = fetch
        self.lock = threading.Lock()
        self.bodies: dict[str, Future[Any]] = {}

    def body(self, query: dict[str, Any]) -> Any:
        key = repr(sorted(query.items(), key=str))
        with self.lock:
            found = self.bodies.get(key)
            mine = found is None
            if found is None:
                found = self.bodies[key] = Future()
        if mine:
            found.set_result(self.fetch(dict(query)))
        return found.result()


def edge_sender(
    op: Operation, baselines: Baselines, session: BoundedSession | None, timeout: float, planned: Edge
) -> Callable[[], EdgeOutcome | None]:
    """Send one edge request, after its baseline; None when there is no baseline to compare it with."""

    def send() -> EdgeOutcome | None:
        edge = planned
        if edge.baseline is not None:
            body = baselines.body(edge.baseline)
            if body is None:
                return None
            edge = with_baseline(edge, body)
        case, response, error = send_case(op, edge.query, edge.headers, session, timeout)
        return edge, case, response, error

    return send


def edge_senders(
    op: Operation,
    call: Callable[[dict[str, Any]], Any],
    errors: list[str],
    session: BoundedSession | None,
    timeout: float,
    planned: list[Edge],
) -> Callable[[], list[Callable[[], EdgeOutcome | None]]]:
    """The senders of the planned edge requests, made when the sending starts; a baseline request that fails is one
    of the run's ``errors``."""

    def make() -> list[Callable[[], EdgeOutcome | None]]:
        baselines = Baselines(fetch_body(call, errors, "baseline request"))
        return [edge_sender(op, baselines, session, timeout, edge) for edge in planned]

    return make


def shard_part(planned: list[Edge], shard: tuple[int, int]) -> list[Edge]:
    """Shard I of N sends every Nth edge request, from the Ith: the N shards together send each once."""
    index, count = shard
    return planned[index - 1 :: count]
