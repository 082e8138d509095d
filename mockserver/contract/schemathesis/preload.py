"""The modules a run's worker threads execute, imported before those threads start.

Hypothesis and Schemathesis import some of their modules on first use, inside the code that draws and sends a case
(``st.randoms()`` imports ``hypothesis.strategies._internal.random``, which imports the module that called it). With
``--workers N`` the first cases are drawn by several threads at once, each starting the same imports. CPython's
import locks then break the cycle by handing one thread a module still being executed: the draw fails with
"cannot import name 'RandomStrategy'" and the run ends in an error (seen once in CI against a correct deployment,
``--workers 8``). Importing those packages' modules in the run's own thread first leaves the workers nothing to import.

The packages are walked whole, so that a new lazy import of a later version is covered too (about 50 ms once per
process, after the schema is loaded). Two more imports happen lazily in the workers: ``numpy.random``, which Hypothesis
imports to seed it for each example once ``numpy`` is imported (``hypothesis.internal.entropy``; this package imports
numpy), and the text codecs that requests and urllib3 look up when a request is encoded.
"""

from __future__ import annotations

import codecs
import functools
import importlib
import pkgutil
import sys

__all__ = ["DRAW_PATH", "preload"]

DRAW_PATH = (  # the packages whose code runs in Schemathesis's worker threads
    "hypothesis.strategies._internal",
    "hypothesis.internal.conjecture",
    "schemathesis.generation",
    "schemathesis.engine.run",
    "schemathesis.specs.openapi",
)
SKIPPED = frozenset({"hypothesis.internal.conjecture.provider_conformance"})  # a test harness: 124 ms, never run
CODECS = ("ascii", "latin-1", "utf-8", "idna")  # header values, URLs and bodies encoded by requests and urllib3


@functools.cache
def preload() -> None:
    """Import every module of :data:`DRAW_PATH` (once per process). A module that cannot be imported here (an
    optional dependency missing) is left out: the workers cannot import it either."""
    for package in DRAW_PATH:
        try:
            path = importlib.import_module(package).__path__
        except ImportError:  # renamed by a later version (tests/contract/test_schemathesis_surface.py says so)
            continue
        for info in pkgutil.walk_packages(path, f"{package}.", onerror=_skip):
            if info.name not in SKIPPED:
                try:
                    importlib.import_module(info.name)
                except ImportError:
                    continue
    if "numpy" in sys.modules:
        importlib.import_module("numpy.random")
    for name in CODECS:
        codecs.lookup(name)


def _skip(_name: str) -> None:
    """A subpackage whose ``__init__`` fails to import: not walked (``walk_packages`` calls this for it)."""
