"""The README's example of the ``calendar_mock`` fixture passes as written, in a fresh project whose pytest settings
say ``filterwarnings = error``.

The oracle is pytest's own verdict on the README's block, copied into an empty directory (no conftest, no settings
but the ini file) and run in a pytest process of its own.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"
PYTEST = str(Path(sys.executable).parent / "pytest")


def _example() -> str:
    section = README.read_text(encoding="utf-8").split("### The mock in your own tests", 1)[1].split("\n### ", 1)[0]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None, "the README's fixture section has no python block"
    return found.group(1)


def test_the_readme_s_fixture_example_passes_under_filterwarnings_error(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\nfilterwarnings =\n    error\n", encoding="utf-8")
    (tmp_path / "test_example.py").write_text(_example(), encoding="utf-8")
    done = subprocess.run(
        [PYTEST, "-q", "-p", "no:cacheprovider", "test_example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1].startswith("2 passed")
