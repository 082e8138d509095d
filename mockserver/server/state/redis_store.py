"""The Redis store (``--state redis://HOST:PORT/DB``): replicas on any number of machines share one state.

Redis's own mechanisms, each for one job:

- **Journal: a capped stream.** Each process queues its finished entries and a background thread appends them in
  batches (every ``FLUSH_S``) with one Lua script that takes a block of ids from a counter (``INCRBY``) and ``XADD``\\ s
  each entry under its id (``MAXLEN ~`` the journal's capacity): ids increase across every replica, in the stream's
  order. A read first asks every live replica to flush (``PUBLISH`` a sync number; each flushes, then records it has
  in a hash) and waits for them all, so it lists every request answered before it began.
- **Scenarios: a hash, a version and pub/sub.** A ``PUT`` or ``DELETE`` writes the hash, bumps the version and
  publishes it; every replica's thread reads the hash again into its local view and records the version it has
  seen; the ``PUT`` answers once every live replica has. The request path reads only the local view: a plain GET
  with no scenario armed pays no round trip. A scenario with ``times`` is counted down by a Lua script (``HINCRBY``
  on its own counter, removed at 0 and the version published), so N uses are N in all.
- **Replicas** register in a sorted set with an expiry (a heartbeat each second): a replica gone for
  ``REPLICA_TTL_S`` no longer holds a read or a ``PUT``.

Faults: out of reach at start, the server stops with one line. Lost while serving, the thread marks the state
``degraded`` (``/healthz`` says so, admin routes answer 503 naming the store), API requests go on with the scenarios
last known (a ``times`` counted down locally), entries wait in a bounded queue, and the thread reconnects by itself.
After a restart with no persistence (the version key is gone), each replica writes back the scenarios it holds and
raises the id counter to the largest id it was given, so ids keep increasing.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import orjson
import redis

from mockserver.server.journal import Entry, Journal
from mockserver.server.runtime import RuntimeScenario, ScenarioBook
from mockserver.server.state import JournalOf, StoreUnavailableError, TooManyScenariosError
from mockserver.server.state.redis_schema import APPEND, CHANNEL, KEYS, RAISE, TAKE, journal_id, scope_field, shown
from mockserver.server.state.wire import dumped, loaded

__all__ = ["RedisState"]

logger = logging.getLogger("mockserver.state")

# A finished entry reaches the stream within about this (a read does not wait for it: it has every replica flush
# first). Each flush costs the state's thread a wake-up, a script call and the GIL taken back a few times, whatever
# its batch, so flushes are kept few (what that saves: bench/RESULTS.md).
FLUSH_S = 0.1
HEARTBEAT_S = 1.0
REPLICA_TTL_S = 3.0  # a replica silent this long is gone
WAIT_S = 2.0  # a read or a PUT waits this long for the replicas, then answers 503
SETTLE_S = 0.05  # on a sync, how long an entry whose answer has started may take to be recorded as answered
RETRY_S = 0.25  # between two attempts to reconnect
PENDING = 100_000  # entries waiting for the stream at most (while Redis is away, the oldest go first)
_BATCH = 500  # entries per script call
_T = TypeVar("_T")


class RedisBook(ScenarioBook):
    """This process's view of the scenarios in Redis: replaced whole by the state's thread, read by requests."""

    def __init__(self, state: RedisState) -> None:
        super().__init__()
        self.state = state
        self.view = ScenarioBook()

    def __bool__(self) -> bool:
        return bool(self.view)

    def listed(self) -> list[RuntimeScenario]:
        return self.view.listed()

    def take(self, api: str | None, sessions: tuple[str, ...], token: str | None) -> RuntimeScenario | None:
        for _ in range(3):  # the view may be a moment behind a scenario that was used up elsewhere
            view = self.view
            found = next((s for s in view.listed() if s.covers(api, sessions, token)), None)
            if found is None or found.remaining is None:
                return found
            left = self.state.take_one(found)
            if left is None:  # Redis is away: counted here, on the last known view
                return view.take(api, sessions, token)
            if left >= 0:
                found.remaining = left
                if left <= 0:
                    view.forget(found)
                return found
            if not self.state.reloaded():
                return view.take(api, sessions, token)
        return None


class RedisState:
    """The state shared through Redis by every process that names the same server and database."""

    def __init__(self, url: str, journal_of: JournalOf) -> None:
        self.name = shown(url)
        # Any: redis-py types its sync and async commands as one (every result "Awaitable | Any").
        self.client: Any = self.reached(url)
        self.journal: Journal = journal_of(None)
        self.pending: collections.deque[Entry] = collections.deque(maxlen=PENDING)
        self.journal.ship = self.pending.append
        self.shared = RedisBook(self)
        self.book: ScenarioBook = self.shared
        self.capacity = self.journal.capacity
        self.connected = True
        self.last_id = 0  # the largest id this process was given (raised again after Redis lost its data)
        self.version = 0  # the scenarios' version this process's view is
        self.replica = ""
        self._append = self.client.register_script(APPEND)
        self._take = self.client.register_script(TAKE)
        self._raise = self.client.register_script(RAISE)  # a counter raised to at least a number
        self._viewing = threading.Lock()  # the view and its version change together
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.reload()

    @staticmethod
    def reached(url: str) -> redis.Redis:
        """A client of the server at ``url``, which answered a PING (else StoreUnavailableError)."""
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1.0)
        try:
            client.ping()
        except (redis.RedisError, OSError) as exc:
            raise StoreUnavailableError(shown(url), str(exc) or type(exc).__name__) from None
        return client

    # The supervisor's part (each worker is a replica of its own, with its own connections and thread).
    def spread(self) -> None:
        return None

    def reaped(self, pid: int) -> None:
        return None

    def close(self) -> None:
        self.detach()

    def detach(self) -> None:
        """The thread stopped, and the entries still queued written (if Redis is there)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
            with contextlib.suppress(redis.RedisError, OSError):
                self._flush()

    def health(self) -> str:
        return "ok" if self.connected and (self._thread is None or self._thread.is_alive()) else "degraded"

    async def attach(self) -> None:
        self.replica = f"{socket.gethostname()}:{os.getpid()}:{time.time_ns()}"
        self._thread = threading.Thread(target=self._run, name="mockserver-state", daemon=True)
        self._thread.start()

    # The request path's part.
    def take_one(self, scenario: RuntimeScenario) -> int | None:
        """Count one use of a scenario with ``times`` in Redis: what is left, -1 if it is gone (None: Redis away)."""
        if not self.connected:
            return None
        try:
            return int(
                self._take(
                    keys=[KEYS["left"], KEYS["scenarios"], KEYS["version"], CHANNEL],
                    args=[scope_field(*scenario.scope)],
                )
            )
        except (redis.RedisError, OSError):
            self.connected = False
            return None

    def reloaded(self) -> bool:
        """``reload``, or False when Redis is away (the request path: never an exception)."""
        try:
            self.reload()
        except (redis.RedisError, OSError):
            self.connected = False
            return False
        return True

    def read(self) -> tuple[int, ScenarioBook]:
        """The scenarios in Redis and their version, read in one transaction."""
        pipe = self.client.pipeline()  # MULTI ... EXEC: one snapshot
        pipe.get(KEYS["version"])
        pipe.hgetall(KEYS["scenarios"])
        pipe.hgetall(KEYS["left"])
        version, scenarios, left = pipe.execute()
        found = []
        for field, raw in scenarios.items():
            values, order = orjson.loads(raw)
            api, session, token = orjson.loads(field)
            remaining = int(left[field]) if field in left else None
            found.append(RuntimeScenario(values, api, session, token, remaining, order))
        return int(version or 0), ScenarioBook(found)

    def reload(self) -> None:
        """Read the scenarios again into a new view (the request path sees either the old view or the new one); a
        read that a newer one overtook is dropped, so the view never goes back to an older version."""
        version, book = self.read()
        with self._viewing:
            if version >= self.version:
                self.shared.view, self.version = book, version

    # The thread: flush the journal, follow the scenarios, answer syncs, heartbeat, reconnect.
    def _run(self) -> None:
        pubsub: Any = None
        beat = 0.0
        while not self._stopping.is_set():
            try:
                if pubsub is None:
                    pubsub = self._connect()
                    beat = 0.0
                message = pubsub.get_message(timeout=FLUSH_S)
                if message is not None and message["type"] == "message":
                    self._handle(message["data"].decode())
                self._flush()
                if time.monotonic() - beat > HEARTBEAT_S:
                    beat = time.monotonic()
                    self._heartbeat()
            except (redis.RedisError, OSError) as exc:
                if self.connected:
                    logger.warning("state store %s lost (%s): serving the last known scenarios", self.name, exc)
                self.connected = False
                pubsub = None
                self._stopping.wait(RETRY_S)
            except Exception:  # the thread must outlive anything: it is how the state comes back
                logger.exception("state store %s: unexpected error", self.name)
                self.connected = False
                pubsub = None
                self._stopping.wait(RETRY_S)

    def _heartbeat(self) -> None:
        """This replica is alive; those gone for a minute are forgotten (what Redis holds for them stays bounded)."""
        now = time.time()
        self.client.zadd(KEYS["replicas"], {self.replica: now + REPLICA_TTL_S})
        gone = self.client.zrangebyscore(KEYS["replicas"], "-inf", now - 60)
        if gone:
            pipe = self.client.pipeline()
            pipe.zrem(KEYS["replicas"], *gone)
            pipe.hdel(KEYS["seen"], *gone)
            pipe.hdel(KEYS["synced"], *gone)
            pipe.execute()

    def _connect(self) -> Any:
        self.client.ping()
        self._restore()
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(CHANNEL)
        self.reload()
        self.client.hset(KEYS["seen"], self.replica, self.version)
        if not self.connected:
            logger.warning("state store %s reached again", self.name)
        self.connected = True
        return pubsub

    def _restore(self) -> None:
        """After Redis lost its data (a restart with no persistence): our scenarios written back, and the counters
        raised to the ids and version we were given (ids and versions go on increasing for every replica)."""
        lost = not self.client.exists(KEYS["version"])
        self._raise(keys=[KEYS["ids"]], args=[self.last_id])
        self._raise(keys=[KEYS["version"]], args=[self.version])
        if not lost or not self.shared.view:
            return
        pipe = self.client.pipeline()
        for s in self.shared.view.listed():
            field = scope_field(*s.scope)
            pipe.hsetnx(KEYS["scenarios"], field, orjson.dumps([s.values, s.order]))
            if s.remaining is not None:
                pipe.hsetnx(KEYS["left"], field, s.remaining)
        pipe.incr(KEYS["version"])
        pipe.execute()

    def _handle(self, data: str) -> None:
        kind, _, number = data.partition(" ")
        if kind == "version":
            self.reload()
            self.client.hset(KEYS["seen"], self.replica, self.version)
        elif kind == "sync":
            # An answer already sent may not be recorded as answered yet (its stage finishes right after the send):
            # a moment for those, so that the read lists every request answered before it began.
            deadline = time.monotonic() + SETTLE_S
            while any(e.answering and e.status for e in list(self.pending)) and time.monotonic() < deadline:
                time.sleep(0.001)
            self._flush()
            self.client.hset(KEYS["synced"], self.replica, int(number))

    def _flush(self) -> None:
        """Every answered entry in the queue, to the stream, in the order they started (one still being answered, a
        slow one, stays queued without holding back the others)."""
        pending = self.pending
        answered: list[Entry] = []
        answering: list[Entry] = []
        for _ in range(len(pending)):  # what is queued now (the request path appends at the right meanwhile)
            entry = pending.popleft()
            (answering if entry.answering else answered).append(entry)
        pending.extendleft(reversed(answering))
        pid, host = os.getpid(), socket.gethostname()
        for start in range(0, len(answered), _BATCH):
            batch = answered[start : start + _BATCH]
            records = b"\n".join([dumped(entry, pid, host) for entry in batch])
            try:
                first = int(
                    self._append(keys=[KEYS["journal"], KEYS["ids"]], args=[max(self.capacity, 1), len(batch), records])
                )
            except BaseException:
                pending.extendleft(reversed(answered[start:]))  # kept for the next attempt (the queue is bounded)
                raise
            self.last_id = max(self.last_id, first + len(batch) - 1)

    # The admin routes' part: blocking calls, run off the event loop.
    async def _call(self, work: Callable[[], _T]) -> _T:
        if not self.connected:
            raise StoreUnavailableError(self.name, "not connected (reconnecting)")
        try:
            return await asyncio.to_thread(work)
        except (redis.RedisError, OSError) as exc:
            raise StoreUnavailableError(self.name, str(exc) or type(exc).__name__) from None

    def _live(self) -> list[str]:
        return [r.decode() for r in self.client.zrangebyscore(KEYS["replicas"], time.time(), "+inf")]

    def _wait(self, key: str, number: int, what: str) -> None:
        """Until every live replica has recorded ``number`` (or more) under ``key``."""
        deadline = time.monotonic() + WAIT_S
        while True:
            live = self._live()
            marks = self.client.hmget(key, live) if live else []
            if all(mark is not None and int(mark) >= number for mark in marks):
                return
            if time.monotonic() > deadline:
                raise StoreUnavailableError(self.name, f"a replica did not {what} within {WAIT_S} s")
            time.sleep(0.002)

    def _synced(self) -> None:
        """Every live replica has flushed the entries it had finished when this was called."""
        number = int(self.client.incr(KEYS["sync"]))
        self.client.publish(CHANNEL, f"sync {number}")
        self._wait(KEYS["synced"], number, "flush its journal")

    def _entries(self, since: int | None) -> list[tuple[Entry, int, str]]:
        """The stream's entries after ``since`` and after the last clear, newest first."""
        self._synced()
        cleared = int(self.client.get(KEYS["cleared"]) or 0)
        low = max(since or 0, cleared)
        found = self.client.xrevrange(KEYS["journal"], "+", f"({low}-1" if low else "-", count=self.capacity or 1)
        return [loaded(fields[b"e"], journal_id(stream_id)) for stream_id, fields in found]

    def _render(self, item: tuple[Entry, int, str]) -> Any:
        entry, pid, host = item
        rendered = self.journal.render(entry)
        rendered["pid"], rendered["host"] = pid, host
        return rendered

    async def requests(self, api: str | None, status: int | None, since: int | None, limit: int) -> list[Any]:
        def work() -> list[Any]:
            found = [i for i in self._entries(since) if i[0].status and i[0].matches_filters(api, status, since)]
            return [self._render(i) for i in found[:limit]]

        return await self._call(work)

    async def count(self, api: str | None, status: int | None, since: int | None, carried: Mapping[str, str]) -> int:
        def work() -> int:
            return sum(
                1 for e, _, _ in self._entries(since) if e.matches_filters(api, status, since) and e.carries(carried)
            )

        return await self._call(work)

    async def entry(self, entry_id: int) -> Any | None:
        def work() -> Any | None:
            self._synced()
            if entry_id <= int(self.client.get(KEYS["cleared"]) or 0):
                return None
            found = self.client.xrange(KEYS["journal"], f"{entry_id}-1", f"{entry_id}-1")
            return self._render(loaded(found[0][1][b"e"], entry_id)) if found else None

        return await self._call(work)

    async def clear_requests(self) -> None:
        def work() -> None:
            self._synced()
            self.client.set(KEYS["cleared"], int(self.client.get(KEYS["ids"]) or 0))

        await self._call(work)

    async def scenarios(self) -> list[RuntimeScenario]:
        def work() -> list[RuntimeScenario]:
            return self.read()[1].listed()

        return await self._call(work)

    def _publish(self, pipe: Any) -> None:
        """Run ``pipe`` (a transaction that changed the scenarios) with the new version, and wait for the replicas."""
        pipe.incr(KEYS["version"])
        version = int(pipe.execute()[-1])
        self.client.publish(CHANNEL, f"version {version}")
        self._wait(KEYS["seen"], version, "apply the scenarios")

    async def put_scenario(
        self, values: dict[str, Any], api: str | None, session: str | None, token: str | None, times: int | None
    ) -> RuntimeScenario:
        def work() -> RuntimeScenario:
            book = self.read()[1]
            if book.full(api, session, token):
                raise TooManyScenariosError("too many scenarios in force")
            order = max((s.order for s in book.listed()), default=-1) + 1
            field = scope_field(api, session, token)
            pipe = self.client.pipeline()
            pipe.hset(KEYS["scenarios"], field, orjson.dumps([values, order]))
            if times is None:
                pipe.hdel(KEYS["left"], field)
            else:
                pipe.hset(KEYS["left"], field, times)
            self._publish(pipe)
            return RuntimeScenario(dict(values), api, session, token, times, order)

        return await self._call(work)

    async def clear_scenarios(self) -> None:
        def work() -> None:
            pipe = self.client.pipeline()
            pipe.delete(KEYS["scenarios"], KEYS["left"])
            self._publish(pipe)

        await self._call(work)
