"""Running the server: bind the socket, print the banner, then uvicorn with one worker or several."""

from __future__ import annotations

import logging
import os
from dataclasses import replace

import uvicorn
from connexion import AsyncApp
from rich.console import Console
from uvicorn.supervisors import ChangeReload, Multiprocess

from mockserver.apis import scopes, shipped, table
from mockserver.core.listening import base_url, bind
from mockserver.core.tokens import mint_token
from mockserver.server.app import build_stores, create_app
from mockserver.server.banner import print_banner
from mockserver.server.settings import Settings

__all__ = ["app_from_environment", "serve"]

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
    return create_app(Settings.from_json(os.environ[SETTINGS_VARIABLE]))


def serve(settings: Settings, host: str, port: int, workers: int = 1, reload: bool = False) -> None:
    """Serve until interrupted; data errors (SpecError) and a busy port (BindError) raise before any output."""
    if workers > 1 or reload:  # worker processes import the package afresh: they know the shipped APIs only
        registered = [api for api in settings.apis if not shipped(api)]
        if registered:
            raise ValueError(f"{', '.join(registered)}: an API registered at run time is served with one worker")
    settings = replace(settings, access_log=True)  # our own line: uvicorn's goes through logging, 6× slower
    stores = build_stores(settings)
    sock = bind(host, port)
    if host not in _LOOPBACK:
        Console(stderr=True).print(f"warning: listening on {host}: the mock is reachable from other machines")
    base = base_url(host, sock)
    print_banner(Console(), base, stores, mint_token(scopes(settings.apis)), settings.seed)
    if reload:
        del stores
        os.environ[SETTINGS_VARIABLE] = settings.to_json()
        watched = {str(table(api).spec_path.parent) for api in settings.apis} | {
            str(path.resolve().parent) for path in settings.fixtures.values()
        }
        config = uvicorn.Config(
            "mockserver.server.serving:app_from_environment",
            factory=True,
            reload=True,
            reload_dirs=sorted(watched),
            reload_includes=["*.yaml", "*.yml", "*.json"],
            log_level="info",
            access_log=False,
            lifespan="off",
        )
        ChangeReload(config, target=uvicorn.Server(config).run, sockets=[sock]).run()
        return
    if workers == 1:
        config = uvicorn.Config(create_app(settings, stores), log_level="info", access_log=False, lifespan="off")
        configure_logging()
        uvicorn.Server(config).run(sockets=[sock])
        return
    del stores  # each worker builds its own, identical ones
    os.environ[SETTINGS_VARIABLE] = settings.to_json()
    config = uvicorn.Config(
        "mockserver.server.serving:app_from_environment",
        factory=True,
        workers=workers,
        log_level="info",
        access_log=False,
        lifespan="off",
    )
    Multiprocess(config, sockets=[sock]).run()
