"""Several worker processes on one socket, sharing one build of the data: the supervisor builds, then forks.

uvicorn's own supervisor spawns its workers: each imports the package and builds every dataset afresh, so N workers
hold N copies and each takes the whole start-up. Here the supervisor builds the app once (every order sorted, no
thread left running; ``serving`` then freezes the garbage collector's view of it, so that a collection in a worker
does not write to, and so copy, the shared pages), and forks: the workers share the datasets' pages
copy-on-write, and each serves the same bytes, built from the same settings by the same code. A worker that dies is
forked again from the same build; one that dies within a second of its start stops the supervisor (a crash loop is
not served).

SIGINT or SIGTERM to the supervisor sends SIGTERM to every worker: each finishes its in-flight answers (uvicorn's
graceful shutdown) and exits; the supervisor exits once all have. The journal and the scenarios are shared through
the app's state (``state``): each worker attaches to it on its event loop before serving (``Server``), and the
supervisor tells it of every worker it reaps.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from types import FrameType

import uvicorn

__all__ = ["Forked", "Server"]

_STOPPING = (signal.SIGINT, signal.SIGTERM)
CRASH_LOOP_S = 1.0  # a worker that exits sooner than this after its start, unasked, stops the supervisor


async def _nothing() -> None:
    return None


class Server(uvicorn.Server):
    """uvicorn's server, awaiting ``attach`` on its event loop before it serves (the shared state's listener), and
    calling ``detach`` once it has stopped."""

    def __init__(
        self,
        config: uvicorn.Config,
        attach: Callable[[], Awaitable[None]] = _nothing,
        detach: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(config)
        self.attach = attach
        self.detach = detach

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        await self.attach()
        try:
            await super().serve(sockets)
        finally:
            self.detach()


class Forked:
    """``Forked(config, sock, workers, prepare).run()``: ``prepare`` runs in each worker before it serves, ``attach``
    on its event loop, ``detach`` once it has stopped; ``reaped(pid)`` in the supervisor for each worker that
    exited."""

    def __init__(
        self,
        config: uvicorn.Config,
        sock: socket.socket,
        workers: int,
        prepare: Callable[[], None] = lambda: None,
        attach: Callable[[], Awaitable[None]] = _nothing,
        reaped: Callable[[int], None] = lambda pid: None,
        detach: Callable[[], None] = lambda: None,
    ) -> None:
        self.config = config
        self.sock = sock
        self.workers = workers
        self.prepare = prepare
        self.attach = attach
        self.reaped = reaped
        self.detach = detach
        self.children: dict[int, float] = {}  # pid -> when it was forked (monotonic)
        self.stopping = False
        self.failed = False

    def run(self) -> None:
        previous = {sig: signal.signal(sig, self._stop) for sig in _STOPPING}
        try:
            for _ in range(self.workers):
                self._fork()
            self._supervise()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if self.failed:
            raise SystemExit(1)

    def _fork(self) -> None:
        # Signals wait until each side has its handlers: the supervisor's must never run in a worker.
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
        pid = os.fork()
        if pid == 0:  # the worker: uvicorn installs its own handlers for the signals
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
                self.prepare()
                Server(self.config, self.attach, self.detach).run(sockets=[self.sock])
                code = 0
            except BaseException:  # a worker never returns into the supervisor's code
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.children[pid] = time.monotonic()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)

    def _supervise(self) -> None:
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                return
            started = self.children.pop(pid, None)
            self.reaped(pid)
            if started is None or self.stopping:
                continue
            code = os.waitstatus_to_exitcode(status)
            print(f"worker {pid} exited ({code}) unasked", file=sys.stderr, flush=True)
            if time.monotonic() - started < CRASH_LOOP_S:
                self.failed = True
                self._stop(signal.SIGTERM, None)
            else:
                self._fork()

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        self.stopping = True
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError):  # already gone, not yet reaped
                os.kill(pid, signal.SIGTERM)
