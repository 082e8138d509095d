"""Which implementation runs: the compiled modules where they were built, else their Python twins.

Each C module (``core/_bands.c``, ``core/_splitmix.c``, ``core/_pages.c``, ``core/_words.c``, compiled at install by
``hatch_build.py`` when a compiler is there) has a Python twin with the same contract, the reference: ``core/bands.py``,
``core/splitmix.py``, for the record writer the Python renderer of the tables' fields (``core/render.py``, pinned by
the golden samples), and for the shared counter the embedded store's id taken under its lock
(``server/state/embedded.py``).
A module that uses one asks ``built(name)`` once, at import, and imports the C names when it says yes, the twin's
otherwise (as markupsafe picks ``_speedups`` or ``_native``); both give the same bytes, the twins more slowly.
``MOCKSERVER_PURE=1`` forces the twins. ``summary()`` says which run (the line ``mockserver serve`` prints at start).
"""

from __future__ import annotations

import importlib
import os

__all__ = ["PURE", "built", "summary"]

PURE = os.environ.get("MOCKSERVER_PURE", "") not in ("", "0")
_loaded: dict[str, bool] = {}
_missing: dict[str, str] = {}


def built(name: str) -> bool:
    """Whether the compiled module ``name`` is to be used: it imports and ``MOCKSERVER_PURE`` is not set."""
    if name not in _loaded:
        if PURE:
            _loaded[name] = False
        else:
            try:
                importlib.import_module(name)
            except ImportError as error:  # not compiled (no compiler at install), or built for another Python
                _missing[name] = str(error)
                _loaded[name] = False
            else:
                _loaded[name] = True
    return _loaded[name]


def summary() -> str:
    """One line: which implementation the modules asked so far run on."""
    native = sorted(name.rpartition(".")[2] for name, used in _loaded.items() if used)
    twins = sorted(name.rpartition(".")[2] for name, used in _loaded.items() if not used)
    if not twins:
        return f"native code ({', '.join(native)})"
    if PURE:
        return "pure Python (MOCKSERVER_PURE=1)"
    errors = sorted(set(_missing.values()))
    why = "not compiled at install" if all(e.startswith("No module named") for e in errors) else "; ".join(errors)
    return f"pure Python for {', '.join(twins)} (native code {why})"
