"""pyproject.toml's runtime dependencies are ranges a user's environment can share: each has a lower bound that
requirements-lowest.txt pins (and `make test-pythons` runs on) and a cap; requirements.lock pins every one of them
within its range."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]


def _pins(name: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        pin = line.split("#")[0].strip()
        if pin:
            package, _, version = pin.partition("==")
            pins[canonicalize_name(package)] = version
    return pins


@pytest.mark.parametrize("requirement", RUNTIME, ids=str)
def test_a_runtime_dependency_is_a_range_with_a_pinned_lower_bound_and_a_cap(requirement: Requirement) -> None:
    operators = {spec.operator: spec.version for spec in requirement.specifier}
    assert set(operators) == {">=", "<"}, requirement
    assert _pins("requirements-lowest.txt")[canonicalize_name(requirement.name)] == operators[">="]


@pytest.mark.parametrize("requirement", RUNTIME, ids=str)
def test_the_lock_pins_each_runtime_dependency_within_its_range(requirement: Requirement) -> None:
    assert requirement.specifier.contains(_pins("requirements.lock")[canonicalize_name(requirement.name)])


def test_any_python_from_3_11_may_install_it() -> None:
    assert PROJECT["requires-python"] == ">=3.11"
