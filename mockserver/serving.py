"""Running the server: bind the socket, print the banner, then uvicorn with one worker or several."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import replace

import uvicorn
from connexion import AsyncApp
from rich.console import Console
from uvicorn.supervisors import ChangeReload, Multiprocess

from mockserver.app import build_stores, create_app
from mockserver.banner import print_banner
from mockserver.settings import Settings
from mockserver.specs import spec_path
from mockserver.tokens import DEV_SCOPES, mint_token

__all__ = ["ServeError", "app_from_environment", "serve"]

SETTINGS_VARIABLE = "MOCKSERVER_SETTINGS"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ServeError(Exception):
    """The server cannot start; the message says why in one line."""


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


def _bind(host: str, port: int) -> socket.socket:
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def serve(settings: Settings, host: str, port: int, workers: int = 1, reload: bool = False) -> None:
    """Serve until interrupted; data errors and a busy port raise before anything is printed."""
    settings = replace(settings, access_log=True)  # our own line: uvicorn's goes through logging, 6× slower
    stores = build_stores(settings)
    sock = _bind(host, port)
    if host not in _LOOPBACK:
        logging.getLogger("mockserver").warning("listening on %s: the mock is reachable from other machines", host)
        Console(stderr=True).print(f"warning: listening on {host}: the mock is reachable from other machines")
    port = sock.getsockname()[1]
    base = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    print_banner(Console(), base, stores, mint_token(DEV_SCOPES), settings.seed)
    if reload:
        del stores
        os.environ[SETTINGS_VARIABLE] = settings.to_json()
        watched = {str(spec_path(api).parent) for api in settings.apis} | {
            str(path.resolve().parent) for path in settings.fixtures.values()}
        config = uvicorn.Config("mockserver.serving:app_from_environment", factory=True, reload=True,
                                reload_dirs=sorted(watched), reload_includes=["*.yaml", "*.yml", "*.json"],
                                log_level="info", access_log=False, lifespan="off")
        ChangeReload(config, target=uvicorn.Server(config).run, sockets=[sock]).run()
        return
    if workers == 1:
        config = uvicorn.Config(create_app(settings, stores), log_level="info", access_log=False, lifespan="off")
        configure_logging()
        uvicorn.Server(config).run(sockets=[sock])
        return
    del stores  # each worker builds its own, identical ones
    os.environ[SETTINGS_VARIABLE] = settings.to_json()
    config = uvicorn.Config("mockserver.serving:app_from_environment", factory=True, workers=workers,
                            log_level="info", access_log=False, lifespan="off")
    Multiprocess(config, sockets=[sock]).run()
