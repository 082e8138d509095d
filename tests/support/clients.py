"""The type of the ``make_client`` fixture: ``make_client(**settings)`` gives a client of an app built from them."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

__all__ = ["ClientFactory"]

ClientFactory = Callable[..., TestClient]
