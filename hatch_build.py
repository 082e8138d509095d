"""Build hook: compiles the C modules (the page renderers, ``mockserver/apis/_pages.c``, the store's band check,
``mockserver/core/_bands.c``, and the column draws, ``mockserver/core/_splitmix.c``) into the package, for wheels
and for editable installs alike (setuptools' ``build_ext`` finds the compiler and the flags Python was built
with)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from setuptools import Distribution, Extension


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]  # (generic in hatchling)
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root).resolve()
        extensions = [
            Extension(
                f"mockserver.{module}",
                sources=[f"mockserver/{module.replace('.', '/')}.c"],
                extra_compile_args=["-std=c11", "-Wall"],  # and the optimisation Python was built with
            )
            for module in ("apis._pages", "core._bands", "core._splitmix")
        ]
        dist = Distribution({"name": "mockserver", "ext_modules": extensions, "script_name": "hatch_build.py"})
        with contextlib.chdir(root):  # the sources and the in-place outputs are relative to the project
            build = dist.get_command_obj("build_ext")
            build.inplace = True  # beside the sources: an editable install imports it from there
            build.force = True  # never a copy left from another build (another Python, other flags)
            build.build_temp = str(root / "build" / "temp")
            build.ensure_finalized()
            build.run()
            built = [Path(build.get_ext_fullpath(e.name)).resolve().relative_to(root) for e in extensions]
        build_data["artifacts"].extend(f"/{path.as_posix()}" for path in built)
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
