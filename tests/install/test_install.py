"""The package as a user installs it (`make test-install`, not `make test`): `python -m build` makes an sdist and a
wheel; the sdist installed with no working compiler (``CC=/bin/false``) beside the user's own pytest and Hypothesis
(other supported versions, which it keeps) runs the Python twins, the wheel runs the C; both start without a
warning, say which implementation runs, and answer a few thousand requests of both APIs with the same bytes."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from mockserver.apis.events import CATEGORIES
from tests.support.data import EVENTS, INTERVENTIONS, SESSION
from tests.support.servers import free_port
from tests.support.tokens import AUTH

ROOT = Path(__file__).resolve().parents[2]
USERS_OWN = {"pytest": "8.4.0", "hypothesis": "6.130.12"}  # supported (the lower bounds), not the lock's
REQUESTS = 2000  # per API
NATIVE = ("_bands", "_splitmix", "_pages", "_words")  # the compiled modules


def _run(*args: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what would let the repository's tree in."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MOCKSERVER_PURE")} | extra


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    said = _run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, ROOT, env=_clean_env())
    (out / "build.log").write_text(said)
    return {"sdist": next(out.glob("*.tar.gz")), "wheel": next(out.glob("*.whl")), "log": out / "build.log"}


def test_the_build_generates_the_kernels_where_only_the_build_s_requirements_are_installed(
    dist: dict[str, Path],
) -> None:
    """``python -m build`` builds in an isolated environment (hatchling and setuptools, not numpy): the shipped
    tables' kernels are generated there all the same, without the warning that says they were not."""
    assert "kernels were not generated" not in dist["log"].read_text()


def _venv(path: Path) -> Path:
    _run(sys.executable, "-m", "venv", path)
    return path / "bin"


@pytest.fixture(scope="module")
def pure(dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist installed where nothing compiles, into a venv holding the user's own pytest and Hypothesis."""
    bin = _venv(tmp_path_factory.mktemp("pure") / "venv")
    _run(bin / "pip", "install", "--quiet", *(f"{name}=={version}" for name, version in USERS_OWN.items()))
    _run(bin / "pip", "install", "--quiet", dist["sdist"], env=_clean_env(CC="/bin/false"))
    return bin


@pytest.fixture(scope="module")
def compiled(dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    bin = _venv(tmp_path_factory.mktemp("compiled") / "venv")
    _run(bin / "pip", "install", "--quiet", "-c", ROOT / "requirements.lock", dist["wheel"], env=_clean_env())
    return bin


def test_the_wheel_holds_the_compiled_modules(dist: dict[str, Path]) -> None:
    listing = _run(sys.executable, "-m", "zipfile", "-l", dist["wheel"])
    assert [m for m in NATIVE if f"{m}.cpython-" in listing] == list(NATIVE)


def test_an_editable_install_that_cannot_compile_leaves_no_earlier_build_to_import(tmp_path: Path) -> None:
    """The tree built once, then installed again where nothing compiles: the modules of the first build are gone
    (else the editable install would run the old C against the new Python), and the twins run."""
    tree = tmp_path / "tree"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tree / name)
    bin = _venv(tmp_path / "venv")
    compiled = f"mockserver/core/_*{sysconfig.get_config_var('EXT_SUFFIX')}"
    _run(bin / "pip", "install", "--quiet", "--no-deps", "-e", tree, env=_clean_env())
    assert len(list(tree.glob(compiled))) == len(NATIVE)
    _run(bin / "pip", "install", "--quiet", "--no-deps", "-e", tree, env=_clean_env(CC="/bin/false"))
    assert list(tree.glob(compiled)) == []
    which = (
        "import sys; from mockserver.core import native; [*map(native.built, sys.argv[1:])]; print(native.summary())"
    )
    said = subprocess.run(
        [bin / "python", "-c", which, *(f"mockserver.core.{m}" for m in NATIVE)],
        cwd=tmp_path,  # (not the repository's root, whose package -c would import first)
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert said.startswith(f"pure Python for {', '.join(sorted(NATIVE))} (native code not compiled at install)")


def test_an_install_keeps_the_user_s_supported_pytest_and_hypothesis(pure: Path) -> None:
    installed = _run(pure / "pip", "list", "--format", "freeze")
    assert [f"{name}=={version}" in installed.lower() for name, version in USERS_OWN.items()] == [True, True]


class _Server:
    def __init__(self, bin: Path, directory: Path) -> None:
        self.port = free_port()
        self.log = directory / f"serve-{self.port}.log"
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                [bin / "mockserver", "serve", "--port", str(self.port), "--seed", "5", "--count", "3000"],
                stdout=sink,
                stderr=subprocess.STDOUT,
                cwd=directory,  # not the repository: the package comes from the venv alone
                env=_clean_env(PYTHONUNBUFFERED="1"),
            )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(600):
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                assert self.process.poll() is None, self.output()
                time.sleep(0.05)
        raise AssertionError(self.output())

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


@pytest.fixture(scope="module")
def servers(pure: Path, compiled: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, _Server]]:
    directory = tmp_path_factory.mktemp("serve")
    started = {"pure": _Server(pure, directory), "compiled": _Server(compiled, directory)}
    yield started
    for server in started.values():
        server.stop()


def test_each_says_which_implementation_runs_and_warns_of_nothing(servers: dict[str, _Server]) -> None:
    pure, compiled = servers["pure"].output(), servers["compiled"].output()
    twins = "pure Python for _bands, _pages, _splitmix, _words"
    assert f"implementation: {twins} (native code not compiled at install)" in pure
    assert "implementation: native code (_bands, _pages, _splitmix, _words)" in compiled
    assert [("Warning" in out, "warning" in out) for out in (pure, compiled)] == [(False, False)] * 2


def _queries(api: str, pick: random.Random) -> Iterator[str]:
    """Valid queries about the data (the default anchor, 2025-01-01): windows, orders, categories, pages, sizes."""
    for _ in range(REQUESTS):
        start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=pick.randint(-200 * 1440, 200 * 1440))
        end = start + timedelta(minutes=pick.choice([0, 30, 1440, 7 * 1440, 30 * 1440, 400 * 1440]))
        low, high = start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ")
        if api == "events":
            query = {"from": low, "to": high, "orderBy": pick.choice(["start", "end", "created_at", "updated_at"])}
            query |= {"category": pick.choice(CATEGORIES)} if pick.random() < 0.3 else {}
            query |= {"limit": str(pick.randint(1, 120)), "page": str(pick.choice([1, 1, 2, 3]))}
            yield f"{EVENTS}?{urlencode(query)}"
        else:
            query = {"scheduledStart": low, "scheduledEnd": high, "includeSites": "false", "includeCount": "true"}
            query |= {"pageSize": str(pick.randint(1, 250)), "page": str(pick.choice([1, 1, 2, 3]))}
            query |= {"findId": str(pick.randint(1, 3000))} if pick.random() < 0.1 else {}
            yield f"{INTERVENTIONS}?{urlencode(query)}"


@pytest.mark.parametrize("api", ["events", "interventions"])
def test_both_serve_the_same_bytes(servers: dict[str, _Server], api: str) -> None:
    headers = {**AUTH, **SESSION} if api == "interventions" else AUTH
    with httpx.Client(base_url=servers["pure"].base) as pure, httpx.Client(base_url=servers["compiled"].base) as c:
        served = 0
        for url in _queries(api, random.Random(api)):
            expected, answer = c.get(url, headers=headers), pure.get(url, headers=headers)
            assert (answer.status_code, answer.content) == (expected.status_code, expected.content), url
            served += expected.status_code == 200 and len(expected.content) > 60
    assert served > REQUESTS // 3  # many answers held records (events: 962 of 2,000)
