"""The registry of list APIs: each is one table (``ApiTable``), registered by name.

The two shipped APIs are registered here (their modules are imported on first use, so that listing
the names costs nothing); a table defined elsewhere is added with ``register``. The command line's
``--api`` choices and the served set come from ``names()``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the tables import numpy and the spec compiler; listing names must stay cheap
    from mockserver.apis.shape import ApiTable

__all__ = ["names", "register", "scopes", "shipped", "table", "unregister"]

_SHIPPED = {"interventions": "mockserver.apis.interventions", "events": "mockserver.apis.events"}
_TABLES: dict[str, ApiTable] = {}


def register(api: ApiTable) -> None:
    """Serve and test ``api`` from now on (in this process); a name registered twice is an error."""
    if api.name in _TABLES or api.name in _SHIPPED:
        raise ValueError(f"an API named {api.name!r} is already registered")
    _TABLES[api.name] = api


def unregister(name: str) -> None:
    """Forget an API that ``register`` added (tests clean up with it)."""
    _TABLES.pop(name, None)


def shipped(name: str) -> bool:
    """Whether ``name`` is one of the package's own APIs (a worker process knows only those)."""
    return name in _SHIPPED


def names() -> tuple[str, ...]:
    """Every registered API's name: the shipped ones first."""
    return (*_SHIPPED, *_TABLES)


def scopes(apis: tuple[str, ...]) -> tuple[str, ...]:
    """Every scope the list operations of ``apis`` name: what a development token needs to call them all."""
    return tuple(sorted({s for api in apis for needed in table(api).operation.security.scope_sets for s in needed}))


def table(name: str) -> ApiTable:
    if name in _SHIPPED:
        found: ApiTable = importlib.import_module(_SHIPPED[name]).TABLE
        return found
    try:
        return _TABLES[name]
    except KeyError:
        raise KeyError(f"no API named {name!r} (registered: {', '.join(names())})") from None
