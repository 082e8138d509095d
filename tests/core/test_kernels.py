"""The kernels' generator (``core/kernels.py``) as the build runs it: from the tables' fields, with the standard
library alone (the build runs before the package's dependencies are installed). What the kernels compute is checked
by the page tests (tests/apis/test_page_render.py) and fuzzed under the sanitizers (tests/native/test_fuzz.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mockserver.apis.fields import events, interventions

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"events": events.FIELDS, "interventions": interventions.FIELDS}

# Refuses every import but the standard library's and the package's, then generates the shipped tables' kernels.
_ALONE = """
import importlib.abc, sys
class StandardLibraryAlone(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top not in sys.stdlib_module_names and top != "mockserver":
            raise ImportError(f"{name}: not the standard library")
sys.meta_path.insert(0, StandardLibraryAlone())
from mockserver.core import kernels
kernels.main(sys.argv[1:])
"""


def test_the_build_generates_the_shipped_tables_kernels_with_the_standard_library_alone(tmp_path: Path) -> None:
    out = tmp_path / "generated" / "_pages_kernels.h"
    done = subprocess.run(
        [sys.executable, "-c", _ALONE, str(out), "mockserver.apis.fields"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    header = out.read_text()
    assert f"#define KERNEL_COUNT {len(TABLES)}" in header
    for name, fields in TABLES.items():
        assert f"/* {name}: {len(fields)} fields */" in header
