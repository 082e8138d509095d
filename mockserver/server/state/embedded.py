"""The embedded store: one machine, one process or ``--workers N``, needing nothing beyond the package.

Two mechanisms, each where it costs least:

- **Scenarios and journal ids in shared memory.** An anonymous shared mapping and one lock, made before the
  supervisor forks, hold the next journal id, the scenarios (as ``ScenarioBook.dump`` bytes), their number and a
  generation. A request asks whether any scenario is armed by reading one word of the mapping (no system call, no
  lock); only when one is does it take the lock, read the book again if its generation moved, and count a ``times``
  down. A ``PUT`` or ``DELETE`` has changed the mapping before it answers, so every worker sees it on its next
  request, and ``times: N`` is exact because every use is counted under the one lock. A journal id is one atomic
  add on its word (``core/_words.c``: no lock, no system call, nothing two workers can both be given), or, where
  that is not compiled, the word incremented under the lock.
- **Each worker's journal stays in the worker; a read gathers.** Recording costs what it always did (a ring of
  entries in the worker) plus an id from the shared counter; a journal read, count or clear asks every other worker
  over a Unix socket (in a directory the supervisor made) and merges by id. Every entry finished before the read
  began is in its worker's ring when that worker answers, so nothing answered before a read is missed, and no
  entry crosses a process boundary until someone reads it. A worker that dies takes only its own entries with it.

A worker killed while it holds the lock would leave it held: the lock records its holder's pid, and the supervisor
releases it for a worker it reaps (``reaped``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import mmap
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from mockserver.core import native
from mockserver.server.journal import Journal
from mockserver.server.runtime import RuntimeScenario, ScenarioBook
from mockserver.server.state import JournalOf, StoreUnavailableError, TooManyScenariosError

__all__ = ["Embedded", "SharedBook", "SharedMemory"]

_LAST_ID, _GENERATION, _ARMED, _HOLDER, _LENGTH = range(5)
_HEADER = 64  # bytes of words before the book
BOOK_BYTES = 1024 * 1024  # the scenarios, serialized (MAX_SCENARIOS of them fit several times over)
PEER_TIMEOUT_S = 2.0  # a worker that does not answer a journal read within this makes the read a 503
_PID = [os.getpid()]
os.register_at_fork(after_in_child=lambda: _PID.__setitem__(0, os.getpid()))
_ATOMIC = native.built("mockserver.core._words")  # else the twin: the id taken under the lock (``_locked_id``)


class SharedMemory:
    """The words and the book every worker forked after it sees, and the lock that orders their writes."""

    def __init__(self, book_bytes: int = BOOK_BYTES) -> None:
        self.map = mmap.mmap(-1, _HEADER + book_bytes)  # anonymous and MAP_SHARED: shared with forked children
        self.words = memoryview(self.map)[:_HEADER].cast("q")
        self.lock = multiprocessing.Lock()
        self.book_bytes = book_bytes
        # The next journal id, for every worker: one atomic add on the word (no lock, no system call), or the twin.
        self.next_id: Callable[[], int] = self._locked_id
        if _ATOMIC:
            from mockserver.core._words import Counter  # noqa: PLC0415 (only where it is compiled)

            self.next_id = Counter(self.map, _LAST_ID).next

    @contextlib.contextmanager
    def locked(self) -> Iterator[memoryview]:
        with self.lock:
            self.words[_HOLDER] = _PID[0]
            try:
                yield self.words
            finally:
                self.words[_HOLDER] = 0

    def _locked_id(self) -> int:
        """The next journal id under the lock, where ``core._words`` is not compiled (the request path: no context
        manager, nothing that can raise)."""
        lock, words = self.lock, self.words
        lock.acquire()
        words[_HOLDER] = _PID[0]
        words[_LAST_ID] = found = words[_LAST_ID] + 1
        words[_HOLDER] = 0
        lock.release()
        return found

    def reaped(self, pid: int) -> None:
        """A worker is gone: the lock is released if it died holding it."""
        if self.words[_HOLDER] == pid:
            self.words[_HOLDER] = 0
            self.lock.release()


class SharedBook(ScenarioBook):
    """The scenarios in shared memory, with this worker's copy of them read again when their generation moves."""

    def __init__(self, memory: SharedMemory) -> None:
        super().__init__()
        self.memory = memory
        self._seen = -1  # the generation of ``_view``
        self._view = ScenarioBook()

    def __bool__(self) -> bool:
        return self.memory.words[_ARMED] != 0

    def _current(self, words: memoryview) -> ScenarioBook:
        if words[_GENERATION] != self._seen:
            data = bytes(self.memory.map[_HEADER : _HEADER + words[_LENGTH]])
            self._view, self._seen = ScenarioBook.load(data), words[_GENERATION]
        return self._view

    def _store(self, words: memoryview, book: ScenarioBook) -> None:
        data = book.dump()
        if len(data) > self.memory.book_bytes:
            raise TooManyScenariosError(f"the scenarios would weigh {len(data)} bytes, above {self.memory.book_bytes}")
        self.memory.map[_HEADER : _HEADER + len(data)] = data
        words[_LENGTH], words[_ARMED] = len(data), len(book)
        words[_GENERATION] += 1
        self._view, self._seen = book, words[_GENERATION]

    def put(
        self, values: dict[str, Any], api: str | None, session: str | None, token: str | None, times: int | None
    ) -> RuntimeScenario:
        with self.memory.locked() as words:
            book = self._current(words)
            if book.full(api, session, token):
                raise TooManyScenariosError("too many scenarios in force")
            stored = book.put(values, api, session, token, times)
            try:
                self._store(words, book)
            except TooManyScenariosError:
                self._seen = -1  # this view holds what the store refused: read it again next time
                raise
            return stored

    def clear(self) -> None:
        with self.memory.locked() as words:
            self._store(words, ScenarioBook())

    def listed(self) -> list[RuntimeScenario]:
        with self.memory.locked() as words:
            return self._current(words).listed()

    def take(self, api: str | None, sessions: tuple[str, ...], token: str | None) -> RuntimeScenario | None:
        with self.memory.locked() as words:
            book = self._current(words)
            found = book.take(api, sessions, token)
            if found is not None and found.remaining is not None:
                self._store(words, book)  # counted down (or gone) for every worker
            return found

    def full(self, api: str | None, session: str | None, token: str | None) -> bool:
        with self.memory.locked() as words:
            return self._current(words).full(api, session, token)


def _filters(message: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    return message.get("api"), message.get("status"), message.get("since")


class Embedded:
    """The embedded store (``spread`` before the supervisor forks its workers: then they share it)."""

    name = "embedded"

    def __init__(self, journal_of: JournalOf) -> None:
        self.memory = SharedMemory()
        self.journal: Journal = journal_of(None)
        self.book: ScenarioBook = SharedBook(self.memory)
        self.directory: Path | None = None  # where each worker's socket is, once spread
        self._listener: asyncio.Server | None = None

    def spread(self) -> None:
        """Before the workers fork: ids from the shared counter, and a directory for their sockets."""
        self.journal.ids = self.memory.next_id
        self.directory = Path(tempfile.mkdtemp(prefix="mockserver-workers-"))

    def reaped(self, pid: int) -> None:
        """In the supervisor, for a worker that exited."""
        self.memory.reaped(pid)
        if self.directory is not None:
            (self.directory / f"{pid}.sock").unlink(missing_ok=True)

    def close(self) -> None:
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)

    def health(self) -> str:
        return "ok"

    def detach(self) -> None:
        if self._listener is not None and self.directory is not None:
            self._listener.close()
            (self.directory / f"{os.getpid()}.sock").unlink(missing_ok=True)

    async def attach(self) -> None:
        if self.directory is not None:
            path = self.directory / f"{os.getpid()}.sock"
            path.unlink(missing_ok=True)
            self._listener = await asyncio.start_unix_server(self._answer_peer, path=str(path))  # kept: not collected

    # What a worker answers another's read.
    def _local(self, message: Mapping[str, Any]) -> Any:
        journal = self.journal
        match message["op"]:
            case "requests":
                selected = journal.select(*_filters(message))
                return [journal.render(e) for e in itertools.islice(selected, message["limit"])]
            case "count":
                carried = message["carried"]
                return sum(1 for e in journal.select(*_filters(message)) if e.carries(carried))
            case "entry":
                found = journal.get(message["id"])
                return None if found is None else journal.render(found)
            case "clear":
                journal.clear()
                return None
        raise ValueError(f"unknown operation {message['op']!r}")

    async def _answer_peer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            message = orjson.loads(await reader.readline())
            writer.write(orjson.dumps(self._local(message)))
            await writer.drain()
        except (OSError, orjson.JSONDecodeError, KeyError, ValueError):
            pass  # the asking worker gets an empty answer and says so
        finally:
            writer.close()

    async def _ask(self, path: Path, message: bytes) -> Any:
        try:
            reader, writer = await asyncio.open_unix_connection(str(path))
        except (FileNotFoundError, ConnectionRefusedError):
            return None  # a worker that is gone: its entries went with it
        try:
            writer.write(message)
            await writer.drain()
            return orjson.loads(await reader.read())
        finally:
            writer.close()

    async def _everyone(self, message: dict[str, Any]) -> list[Any]:
        """This worker's answer and every other live worker's."""
        answers = [self._local(message)]
        if self.directory is None:
            return answers
        own = f"{os.getpid()}.sock"
        paths = [p for p in self.directory.glob("*.sock") if p.name != own]
        line = orjson.dumps(message) + b"\n"
        try:
            async with asyncio.timeout(PEER_TIMEOUT_S):
                found = await asyncio.gather(*(self._ask(p, line) for p in paths))
        except (TimeoutError, OSError, orjson.JSONDecodeError) as exc:
            raise StoreUnavailableError(self.name, f"a worker did not answer ({type(exc).__name__})") from None
        return answers + [a for a in found if a is not None]

    async def requests(self, api: str | None, status: int | None, since: int | None, limit: int) -> list[Any]:
        message = {"op": "requests", "api": api, "status": status, "since": since, "limit": limit}
        merged = [entry for answer in await self._everyone(message) for entry in answer]
        return sorted(merged, key=lambda e: -e["id"])[:limit]

    async def count(self, api: str | None, status: int | None, since: int | None, carried: Mapping[str, str]) -> int:
        message = {"op": "count", "api": api, "status": status, "since": since, "carried": dict(carried)}
        return sum(await self._everyone(message))

    async def entry(self, entry_id: int) -> Any | None:
        return next((a for a in await self._everyone({"op": "entry", "id": entry_id}) if a is not None), None)

    async def clear_requests(self) -> None:
        await self._everyone({"op": "clear"})

    async def scenarios(self) -> list[RuntimeScenario]:
        return self.book.listed()

    async def put_scenario(
        self, values: dict[str, Any], api: str | None, session: str | None, token: str | None, times: int | None
    ) -> RuntimeScenario:
        return self.book.put(values, api, session, token, times)

    async def clear_scenarios(self) -> None:
        self.book.clear()
