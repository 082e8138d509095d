"""Running the server: bind the socket, print the banner, then uvicorn with one worker, or several forked from one
build of the data (``workers.Forked``)."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import uvicorn
from connexion import AsyncApp
from rich.console import Console
from uvicorn.supervisors import ChangeReload

from mockserver.apis import scopes, shipped, table
from mockserver.core.listening import base_url, bind
from mockserver.core.tokens import mint_token
from mockserver.server.allocator import keep_large_blocks_mapped, release_freed_memory
from mockserver.server.app import build_stores, create_app, create_served
from mockserver.server.banner import print_banner
from mockserver.server.protocol import (
    DEFAULT_HEAD_TIMEOUT_S,
    DEFAULT_MAX_CONNECTIONS,
    ConnectionLimits,
    Lane,
    configure,
)
from mockserver.server.settings import Settings
from mockserver.server.state import JournalOf, State, StoreUnavailableError
from mockserver.server.state.embedded import Embedded
from mockserver.server.workers import Forked, Server

__all__ = ["Limits", "StoreUnavailableError", "app_from_environment", "open_state", "serve"]

SETTINGS_VARIABLE = "MOCKSERVER_SETTINGS"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def configure_logging() -> None:
    """Beside uvicorn's own loggers: ours (ignored parameters) at INFO, and Connexion's warnings."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:     %(message)s")
    logging.getLogger("mockserver").setLevel(logging.INFO)
    # Connexion logs an unknown query parameter as an ERROR; ours says it once, as INFO.
    logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)


def app_from_environment() -> AsyncApp:
    """A worker's app: every worker builds the same data from the same settings (uvicorn factory)."""
    configure_logging()
    keep_large_blocks_mapped()
    app = create_app(Settings.from_json(os.environ[SETTINGS_VARIABLE]))
    release_freed_memory()
    return app


@dataclass(frozen=True)
class Limits:
    """How much one server process lets its clients hold."""

    head_timeout_s: float = DEFAULT_HEAD_TIMEOUT_S  # a request head must arrive within this
    max_connections: int = DEFAULT_MAX_CONNECTIONS  # beyond it, requests are answered 503
    max_per_client: int = ConnectionLimits.max_per_client  # connections from one address; beyond, 503 (0: no cap)
    max_head_bytes: int = ConnectionLimits.max_head_bytes  # request line and headers; beyond, 431
    max_body_bytes: int = ConnectionLimits.max_body_bytes  # a request body; beyond, 413
    drain_timeout_s: float = 3.0  # on SIGTERM, answers in flight get this long; a connection still sending is closed

    def connection(self) -> ConnectionLimits:
        return ConnectionLimits(
            head_timeout_s=self.head_timeout_s,
            body_timeout_s=self.head_timeout_s,
            max_head_bytes=self.max_head_bytes,
            max_body_bytes=self.max_body_bytes,
            max_per_client=self.max_per_client,
        )


def open_state(url: str | None) -> Callable[[JournalOf], State]:
    """The store named by ``--state``: embedded (None), or Redis (imported only then, and reached at once: out of
    reach, StoreUnavailableError)."""
    if url is None:
        return Embedded
    from mockserver.server.state.redis_store import RedisState  # noqa: PLC0415 (redis-py only when asked for)

    RedisState.reached(url).close()

    def opened(journal_of: JournalOf) -> State:
        return RedisState(url, journal_of)

    return opened


def _config(app: Any, limits: Limits, lane: Lane | None = None, **options: Any) -> uvicorn.Config:
    config = uvicorn.Config(
        app,
        log_level="info",
        access_log=False,
        lifespan="off",
        limit_concurrency=limits.max_connections,
        timeout_graceful_shutdown=max(1, round(limits.drain_timeout_s)) if limits.drain_timeout_s else None,
        **options,
    )
    return configure(config, limits.connection(), lane)


def serve(
    settings: Settings, host: str, port: int, workers: int = 1, reload: bool = False, limits: Limits = Limits()
) -> None:
    """Serve until interrupted; data errors (SpecError) and a busy port (BindError) raise before any output."""
    if reload:  # the reloaded process imports the package afresh: it knows the shipped APIs only
        registered = [api for api in settings.apis if not shipped(api)]
        if registered:
            raise ValueError(f"{', '.join(registered)}: an API registered at run time is served without --reload")
    # Our own access line (uvicorn's goes through logging: bench/RESULTS.md); /__mock is open without a token on
    # loopback only.
    settings = replace(settings, access_log=True, admin_loopback=host in _LOOPBACK)
    opened = open_state(settings.state)  # before any output: a store out of reach is the only line
    keep_large_blocks_mapped()
    stores = build_stores(settings)
    release_freed_memory()
    sock = bind(host, port)
    if host not in _LOOPBACK:
        warning = f"warning: listening on {host}: the mock is reachable from other machines"
        if os.environ.get("MOCKSERVER_IN_CONTAINER"):  # set by the image
            warning += " (expected in a container: publish its port on loopback, e.g. -p 127.0.0.1:8000:8000)"
        Console(stderr=True).print(warning, soft_wrap=True, highlight=False)
    base = base_url(host, sock)
    print_banner(Console(), base, stores, mint_token(scopes(settings.apis)), settings.seed)
    if reload:
        del stores
        os.environ[SETTINGS_VARIABLE] = settings.to_json()
        watched = {str(table(api).spec_path.parent) for api in settings.apis} | {
            str(path.resolve().parent) for path in settings.fixtures.values()
        }
        config = _config(
            "mockserver.server.serving:app_from_environment",
            limits,
            factory=True,
            reload=True,
            reload_dirs=sorted(watched),
            reload_includes=["*.yaml", "*.yml", "*.json"],
        )
        ChangeReload(config, target=uvicorn.Server(config).run, sockets=[sock]).run()
        return
    if workers > 1:
        for store in stores.values():
            store.settle()  # every order built: no thread runs while the supervisor forks
    served = create_served(settings, stores, opened)
    state = served.state
    if workers > 1:
        state.spread()  # before the fork: every worker shares it
    config = _config(served.app, limits, served.lane)
    # The app and its data live as long as the server: the collector's full passes (made more frequent by what the
    # journal keeps; what one over the app costs: bench/RESULTS.md) leave them alone, and forked workers do not write
    # to, so copy, the pages they share.
    gc.collect()
    gc.freeze()
    if workers == 1:
        configure_logging()
        try:
            Server(config, state.attach, state.detach).run(sockets=[sock])
        finally:
            state.close()
        return
    try:
        Forked(config, sock, workers, configure_logging, state.attach, state.reaped, state.detach).run()
    finally:
        state.close()
