"""A pytest plugin (``-p tests.native.sanitized``, as ``make check-native`` runs it): the compiled modules are imported
from ``NATIVE_BUILD``, the sanitized build, never from the tree's ``.so`` files.

A finder placed first on ``sys.meta_path`` when the plugin loads (before any test imports the package) answers for
the four compiled modules only; everything else is imported as usual. ``tests/native/test_fuzz.py`` checks that the
modules it fuzzes are the ones this finder loaded.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

COMPILED = ("mockserver.core._pages", "mockserver.core._bands", "mockserver.core._splitmix", "mockserver.core._words")


def build_dir() -> Path | None:
    """The sanitized build's directory, when the plugin is asked for (``NATIVE_BUILD``)."""
    given = os.environ.get("NATIVE_BUILD")
    return Path(given).resolve() if given else None


class _SanitizedFinder:
    """Finds the four compiled modules in the sanitized build (``<dir>/core/_pages<suffix>``, ...)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name not in COMPILED:
            return None
        _, package, module = name.split(".")
        file = self.root / package / f"{module}{sysconfig.get_config_var('EXT_SUFFIX')}"
        if not file.exists():
            raise ImportError(f"{name}: no sanitized build at {file} (make check-native builds it)")
        loader = importlib.machinery.ExtensionFileLoader(name, str(file))
        return importlib.util.spec_from_file_location(name, file, loader=loader)


_root = build_dir()
if _root is None:
    raise RuntimeError("tests.native.sanitized: NATIVE_BUILD names no directory (make check-native sets it)")
if any(name in sys.modules for name in COMPILED):
    raise RuntimeError("tests.native.sanitized: a compiled module was imported before the plugin loaded")
sys.meta_path.insert(0, _SanitizedFinder(_root))
