"""``mockserver fuzz --shard I/N`` and ``mockserver report merge``: shards explore their own parts, deterministically,
and their merge is one verdict whose counts are the sums of the shards'.

The shards run once (module scope) against the mock served on loopback; the sums are computed here from the
shards' ``results.json`` read as plain JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from mockserver.contract.options import FuzzOptions
from mockserver.contract.results import CheckResult, FailureReport, MergeError, RunResult, merge
from mockserver.contract.runner import run
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.support.threaded import serving

MOCKSERVER = str(Path(sys.executable).parent / "mockserver")


@dataclass(frozen=True)
class Shards:
    root: Path
    runs: dict[str, subprocess.CompletedProcess[str]]  # "1", "2", "1-again"
    merged: subprocess.CompletedProcess[str]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MOCKSERVER, *args], capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Shards:
    root = tmp_path_factory.mktemp("shards")
    runs = {}
    with serving(create_app(Settings(count=200))) as base:
        for name in ("1", "2", "1-again"):
            index = name.split("-")[0]
            runs[name] = _run(
                "fuzz", "--api", "events", "--target", base, "--max-examples", "5", "--shard", f"{index}/2",
                "--report", "har", "--report-dir", str(root / name),
            )  # fmt: skip
    merged = _run("report", "merge", str(root / "1"), str(root / "2"), "--report-dir", str(root / "merged"))
    return Shards(root, runs, merged)


def _results(shards: Shards, name: str) -> dict[str, Any]:
    return json.loads((shards.root / name / "results.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _urls(shards: Shards, name: str) -> list[str]:
    har = json.loads((shards.root / name / "network.har").read_text(encoding="utf-8"))
    return [entry["request"]["url"] for entry in har["log"]["entries"]]


def test_each_shard_of_the_mock_exits_0(shards: Shards) -> None:
    assert {name: done.returncode for name, done in shards.runs.items()} == {"1": 0, "2": 0, "1-again": 0}


def test_a_shard_leaves_what_it_did_not_exercise_to_the_merge(shards: Shards) -> None:
    unexercised = [
        c["name"] for n in ("1", "2") for c in _results(shards, n)["checks"] if c["semantic"] and not c["fired"]
    ]
    assert unexercised, "with this seed a shard misses a check: the exit code 0 above then proves the rule"


def test_two_shards_send_different_requests(shards: Shards) -> None:
    assert set(_urls(shards, "1")) != set(_urls(shards, "2"))


def test_a_shard_sends_the_same_requests_again(shards: Shards) -> None:
    assert _urls(shards, "1") == _urls(shards, "1-again")


def test_the_merged_counts_are_the_sums_of_the_shards(shards: Shards) -> None:
    one, two, merged = (_results(shards, n) for n in ("1", "2", "merged"))
    totals: dict[str, list[int]] = {}
    for check in [*one["checks"], *two["checks"]]:
        row = totals.setdefault(check["name"], [0, 0, 0])
        row[0] += check["runs"]
        row[1] += check["fired"]
        row[2] += check["failures"]
    assert {c["name"]: [c["runs"], c["fired"], c["failures"]] for c in merged["checks"]} == totals
    assert merged["requests"] == one["requests"] + two["requests"]


def test_the_merge_says_the_verdict_last_and_exits_as_fuzz(shards: Shards) -> None:
    checks = _results(shards, "merged")["checks"]
    passed = sum(c["failures"] == 0 and (c["fired"] > 0 or not c["semantic"]) for c in checks)
    assert shards.merged.returncode == 0, shards.merged.stderr
    assert shards.merged.stdout.strip().splitlines()[-1] == f"{passed} passed, 0 failed"


def test_a_missing_shard_is_one_line_and_exit_2(shards: Shards, tmp_path: Path) -> None:
    done = _run("report", "merge", str(shards.root / "2"), "--report-dir", str(tmp_path))
    assert (done.returncode, len(done.stderr.strip().splitlines())) == (2, 1)
    assert "shard 1/2 is missing" in done.stderr


def test_a_folder_without_results_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = _run("report", "merge", str(tmp_path), "--report-dir", str(tmp_path / "out"))
    assert (done.returncode, len(done.stderr.strip().splitlines()), "Traceback" in done.stderr) == (2, 1, False)


def _shard(index: int, checks: list[CheckResult], failures: list[FailureReport]) -> RunResult:
    return RunResult(api="events", target="t", seed=0, shard=(index, 2), checks=checks, failures=failures)


def test_violations_are_the_union_and_a_check_fired_anywhere_is_exercised() -> None:
    broke = FailureReport("items_in_order", "t", "m", "curl")
    merged = merge(
        [
            _shard(1, [CheckResult("items_in_order", True, 3, 0, 0)], []),
            _shard(2, [CheckResult("items_in_order", True, 4, 2, 1)], [broke]),
        ]
    )
    assert (merged.failures, [(c.runs, c.fired, c.failures) for c in merged.checks], merged.exit_code) == (
        [broke],
        [(7, 2, 1)],
        1,
    )


def test_a_shard_given_twice_is_refused() -> None:
    with pytest.raises(MergeError, match="more than once"):
        merge([_shard(1, [], []), _shard(1, [], [])])


def test_max_time_fuzzes_until_the_time_is_spent() -> None:
    """One example per phase ends at once; under --max-time the phases repeat until the time is spent."""
    options = FuzzOptions(
        api="events",
        target="http://testserver",
        app=create_app(Settings(count=200)),
        max_examples=1,
        phases=("fuzzing",),
    )
    once = run(options)
    timed = run(replace(options, max_time=6))
    assert (once.exit_code, timed.exit_code) == (0, 0), (once.errors, timed.errors)
    assert timed.requests > once.requests + 50 and timed.elapsed >= 5, (once.requests, timed.requests, timed.elapsed)
