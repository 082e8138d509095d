"""Build hook: compiles the C modules (the record writer, ``mockserver/core/_pages.c``, the store's band check,
``mockserver/core/_bands.c``, the column draws, ``mockserver/core/_splitmix.c``, and the shared counter of the
embedded store's journal ids, ``mockserver/core/_words.c``) into the package, for wheels
and for editable installs alike (setuptools' ``build_ext`` finds the compiler and the flags Python was built
with). They are a speed-up: each has a Python twin (``mockserver/core/native.py``), so where they cannot be compiled
(no compiler, no Python headers) the build goes on without them, says so in one line, and makes a pure-Python wheel.
The record writer's kernels for the shipped tables (``mockserver/core/kernels.py``) are generated first, from the
tables' fields, into ``build/generated`` (where that fails, the writer interprets every table: a warning, not an
error). The modules an earlier build left beside the sources are removed before it compiles: an editable install
whose build fails runs the twins, never the old C against the new Python.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from setuptools import Distribution, Extension
from setuptools.errors import BaseError, CCompilerError

MODULES = ("core._pages", "core._bands", "core._splitmix", "core._words")
KERNELS = Path("build") / "generated" / "_pages_kernels.h"  # the shipped tables' kernels, included by _pages.c


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]  # (generic in hatchling)
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root).resolve()
        extensions = [
            Extension(
                f"mockserver.{module}",
                sources=[f"mockserver/{module.replace('.', '/')}.c"],
                extra_compile_args=["-std=c11", "-Wall"],  # and the optimisation Python was built with
                include_dirs=[str(KERNELS.parent)],
            )
            for module in MODULES
        ]
        why = _kernels(root)
        if why:
            self.app.display_warning(
                f"mockserver: the shipped tables' kernels were not generated ({why}); the native writer runs "
                "every table on its interpreter (the same bytes, more slowly)"
            )
        dist = Distribution({"name": "mockserver", "ext_modules": extensions, "script_name": "hatch_build.py"})
        log = io.StringIO()
        with contextlib.chdir(root):  # the sources and the in-place outputs are relative to the project
            build = dist.get_command_obj("build_ext")
            build.inplace = True  # beside the sources: an editable install imports it from there
            build.force = True  # never a copy left from another build (another Python, other flags)
            build.build_temp = str(root / "build" / f"temp.{sys.implementation.cache_tag}")  # one per Python
            build.ensure_finalized()
            outputs = [Path(build.get_ext_fullpath(e.name)).resolve() for e in extensions]
            _remove(outputs)  # a build that fails leaves no module of an earlier one for an editable install to import
            try:
                with contextlib.redirect_stderr(log), contextlib.redirect_stdout(log):
                    build.run()
            except (CCompilerError, BaseError, OSError) as error:
                _remove(outputs)  # (all or none: the ones built before the failure too)
                compiler = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
                reason = (
                    f"{compiler} failed: no working compiler or no Python headers"
                    if isinstance(error, CCompilerError)
                    else str(error).strip()[:200]
                )
                self.app.display_warning(
                    f"mockserver: the C speed-ups were not compiled ({reason}); installing the pure-Python "
                    "implementation (the same bytes, more slowly)"
                )
                return  # the wheel holds all four, or none (each module is chosen on its own at import)
        build_data["artifacts"].extend(f"/{path.relative_to(root).as_posix()}" for path in outputs)
        build_data["pure_python"] = False
        build_data["infer_tag"] = True


def _kernels(root: Path) -> str | None:
    """Write the kernels' header from the tables' fields (``core/kernels.py``, run on the source tree with the
    standard library alone: the package's dependencies are not installed yet); why not, if it fails."""
    header = root / KERNELS
    header.unlink(missing_ok=True)  # (never a header of an earlier build)
    command = [sys.executable, "-m", "mockserver.core.kernels", str(header), "mockserver.apis.fields"]
    env = {**os.environ, "PYTHONPATH": str(root)}  # the tree's package, first
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        return ((done.stderr.strip().splitlines() or ["it failed"])[-1])[:200]
    return None


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
