"""Is a change a loss? The in-process cost of a request at two revisions, beside the noise of one against itself.

``python -m bench.versus REV`` checks out REV and ``--this`` (HEAD by default) in temporary git worktrees, the latter
twice (the control: two identical builds), compiles each tree's C modules in place (every ``mockserver/**/_*.c``,
with the compiler and flags Python was built with, as setuptools does; ``mockserver/core`` on the include path, and
the shipped tables' kernels generated first where the revision has them, as its build does), then
runs ``bench.inprocess`` (this checkout's, on each tree's package and spec) in ``--rounds`` rounds, the order of the
three trees rotated every round so that a drift of the machine falls on each.

Per API and dataset size it prints a Markdown table: each revision's median µs per request, the median of the
per-round ratios this ÷ REV (this revision's two builds together: their geometric mean) with their quartiles, and
the control's ratios (one build of this revision ÷ the other: the method's noise). The verdict is a randomisation
test: were the revisions the same, the three builds of a round would be interchangeable, so the median ratio is set
against 20,000 draws (seeded) that each pick at random, round by round, which build plays REV; a change is a loss
(or gain) **beyond noise** when fewer than 5 % of the draws are as far from 1 in its direction. Run it on a quiet
machine: 12 rounds take about 6 minutes. ``--save`` writes every round's figures as JSON.

    python -m bench.versus 65bea7b [--this HEAD] [--rounds 12] [--counts 1000,1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import shlex
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from bench.journal import quartiles

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^\s*(\w+)\s+([\d,]+) records:\s+([\d.]+) µs/request", re.MULTILINE)

Figures = dict[tuple[str, int], float]  # (API, records) -> µs per request


@contextmanager
def worktree(rev: str, path: Path) -> Iterator[Path]:
    """``rev`` checked out at ``path`` (detached), removed afterwards."""
    subprocess.run(["git", "-C", ROOT, "worktree", "add", "--quiet", "--detach", path, rev], check=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", path], check=False)


def compile_in_place(tree: Path) -> list[str]:
    """Every C module of ``tree``'s package compiled beside its source; their module names."""
    config = sysconfig.get_config_vars()
    command = [
        *shlex.split(config["CC"]),
        *shlex.split(config["CFLAGS"]),
        *shlex.split(config["CCSHARED"]),
        "-std=c11",
        "-shared",
        f"-I{sysconfig.get_paths()['include']}",
        "-Imockserver/core",
    ]
    if (tree / "mockserver/core/kernels.py").exists():  # (a revision whose build generates the tables' kernels)
        generate = [sys.executable, "-m", "mockserver.core.kernels", "build/generated/_pages_kernels.h"]
        env = {**os.environ, "PYTHONPATH": str(tree)}
        subprocess.run([*generate, "mockserver.apis.fields"], cwd=tree, env=env, check=True)
        command.append("-Ibuild/generated")
    built = []
    for source in sorted(tree.glob("mockserver/**/_*.c")):
        relative = source.relative_to(tree)
        output = relative.with_name(relative.stem + config["EXT_SUFFIX"])
        subprocess.run([*command, relative, "-o", output], cwd=tree, check=True)
        built.append(".".join(relative.with_suffix("").parts))
    return built


def _env(tree: Path, harness: Path) -> dict[str, str]:
    """This checkout's ``bench`` first, then ``tree``'s package (before the editable install's)."""
    env = {**os.environ, "PYTHONPATH": f"{harness}{os.pathsep}{tree}"}
    env.pop("MOCKSERVER_PURE", None)
    return env


def check_imports(tree: Path, harness: Path, modules: list[str]) -> None:
    """That ``tree``'s package and its compiled ``modules`` are what a run there imports (else SystemExit)."""
    probe = "import importlib, sys; print('\\n'.join(importlib.import_module(m).__file__ for m in sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", probe, "mockserver", *modules],
        cwd=tree,
        env=_env(tree, harness),
        capture_output=True,
        text=True,
        check=False,
    )
    files = done.stdout.split()
    if done.returncode or len(files) != len(modules) + 1 or not all(Path(f).is_relative_to(tree) for f in files):
        raise SystemExit(f"bench.versus: {tree} does not import its own build: {done.stdout}{done.stderr}".strip())


def measure(tree: Path, harness: Path, counts: str, runs: int) -> Figures:
    """One run of this checkout's ``bench.inprocess`` on ``tree``'s package."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.inprocess", "--counts", counts, "--runs", str(runs)],
        cwd=tree,
        env=_env(tree, harness),
        capture_output=True,
        text=True,
        check=True,
    )
    return {(api, int(records.replace(",", ""))): float(us) for api, records, us in LINE.findall(done.stdout)}


def effects(runs: list[tuple[float, float, float]]) -> list[float]:
    """Per round (REV, this, control in µs): the ratio of this revision's two builds (their geometric mean) to REV's.

    Both builds of this revision count: one build, or one worktree, can run a few per cent off the other for reasons
    that are not the code (the control shows it), and the comparison must not hang on which of the two it used."""
    return [math.sqrt(this * control) / reference for reference, this, control in runs]


def chance_of(runs: list[tuple[float, float, float]], draws: int = 20_000) -> float:
    """How often the median effect is as far from 1 (one-sided, in its direction) when, in every round, which of
    the three builds plays REV is drawn at random: with no difference between the revisions the three are
    interchangeable (a randomisation test; seeded)."""
    observed = statistics.median(math.log(e) for e in effects(runs))
    rng, as_far = random.Random(20251207), 0
    for _ in range(draws):
        shuffled = []
        for run in runs:
            k = rng.randrange(3)
            others = [x for j, x in enumerate(run) if j != k]
            shuffled.append((run[k], others[0], others[1]))
        drawn = statistics.median(math.log(e) for e in effects(shuffled))
        as_far += drawn >= observed if observed >= 0 else drawn <= observed
    return (as_far + 1) / (draws + 1)


def verdict(runs: list[tuple[float, float, float]]) -> str:
    p = chance_of(runs)
    if p < 0.05:
        return f"{'loss' if statistics.median(effects(runs)) > 1 else 'gain'} beyond noise (p {p:.3f})"
    return f"within noise (p {p:.2f})"


def report(rev: str, this: str, rounds: list[dict[str, Figures]]) -> list[str]:
    lines = [
        f"| API, records | {rev} µs | {this} µs | {this} ÷ {rev}: median (quartiles) | control {this} ÷ {this} | "
        "verdict |",
        "|---|---|---|---|---|---|",
    ]
    for api, records in rounds[0]["reference"]:
        key = (api, records)
        runs = [(r["reference"][key], r["this"][key], r["control"][key]) for r in rounds]
        ratios = effects(runs)
        control = [c / t for _, t, c in runs]
        (low, high), (control_low, control_high) = quartiles(ratios), quartiles(control)
        lines.append(
            f"| {api}, {records:,} | {statistics.median(r for r, _, _ in runs):.1f} "
            f"| {statistics.median(math.sqrt(t * c) for _, t, c in runs):.1f} "
            f"| {statistics.median(ratios):.3f} ({low:.3f}–{high:.3f}) "
            f"| {statistics.median(control):.3f} ({control_low:.3f}–{control_high:.3f}) | {verdict(runs)} |"
        )
    return lines


def _figures(saved: dict[str, dict[str, float]]) -> dict[str, Figures]:
    """A round as ``--save`` wrote it ("API records" keys), read back."""
    return {name: {(k.split()[0], int(k.split()[1])): us for k, us in f.items()} for name, f in saved.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("rev", help="the revision to compare against (a commit, a tag, a branch)")
    parser.add_argument("--this", default="HEAD", help="the revision measured (default: HEAD)")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--counts", default="1000,1000000")
    parser.add_argument("--runs", type=int, default=5, help="bench.inprocess's runs per measurement")
    parser.add_argument("--save", type=Path, help="write every round's figures there (JSON)")
    parser.add_argument("--load", type=Path, help="report the rounds of a --save instead of measuring")
    args = parser.parse_args()
    if args.load:
        saved = orjson.loads(args.load.read_bytes())
        print("\n".join(report(args.rev, args.this, [_figures(r) for r in saved])))
        return
    if args.rounds < 2:
        parser.error("--rounds: at least 2 (quartiles of one round are not a spread)")
    with tempfile.TemporaryDirectory(prefix="bench-versus-") as scratch:
        base = Path(scratch)
        harness = base / "harness"
        harness.mkdir()
        (harness / "bench").symlink_to(ROOT / "bench", target_is_directory=True)
        with (
            worktree(args.rev, base / "reference") as reference,
            worktree(args.this, base / "this") as this,
            worktree(args.this, base / "control") as control,
        ):
            trees = {"reference": reference, "this": this, "control": control}
            for tree in trees.values():
                check_imports(tree, harness, compile_in_place(tree))
            names = list(trees)
            rounds: list[dict[str, Figures]] = []
            for n in range(args.rounds):
                order = names[n % 3 :] + names[: n % 3]
                rounds.append({name: measure(trees[name], harness, args.counts, args.runs) for name in order})
                print(f"round {n + 1} of {args.rounds} done", file=sys.stderr)
    if args.save:
        named = [{name: {f"{api} {n}": us for (api, n), us in f.items()} for name, f in r.items()} for r in rounds]
        args.save.write_bytes(orjson.dumps(named, option=orjson.OPT_INDENT_2))
    command = f"python -m bench.versus {args.rev} --this {args.this} --rounds {args.rounds}"
    print(f"`{command}`: µs per request, in process\n")
    print("\n".join(report(args.rev, args.this, rounds)))


if __name__ == "__main__":
    main()
