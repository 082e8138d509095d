"""What a person reads: progress while running; the failures grouped by check (the first three of each with its curl,
the rest counted), then the summary per check, and the tally last."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mockserver.contract.reports.grouping import by_check
from mockserver.contract.results import RunResult, Verdict
from mockserver.contract.runner import Progress

__all__ = ["coverage_lines", "print_failures", "print_result", "progress", "terminal"]

_STYLE = {
    Verdict.PASSED: "green",
    Verdict.FAILED: "red",
    Verdict.NOT_EXERCISED: "yellow",
    Verdict.NOT_APPLICABLE: "dim",
}
LOG_WIDTH = 240  # columns when stdout is not a terminal (a CI log, a pipe): wide enough that nothing is cut


def terminal() -> Console:
    """The console for stdout: a terminal's own width, else LOG_WIDTH (rich would cut a pipe's lines at 80)."""
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=LOG_WIDTH)


@contextmanager
def progress(console: Console) -> Iterator[Progress]:
    with console.status("starting", spinner="dots") as status:
        yield lambda text: status.update(escape(text))


def kind_line(result: RunResult) -> str:
    """Which rules the target was held to, and how the tester knows."""
    rules = "the API's rules and the mock's own" if result.target_kind == "mock" else "the API's rules only"
    reason = f" ({result.kind_reason})" if result.kind_reason else ""
    return f"target: {'the mock' if result.target_kind == 'mock' else 'a deployment'}{reason}, held to {rules}"


def coverage_lines(result: RunResult) -> list[str]:
    cov = result.coverage
    pages = sorted(cov.pages)
    return [
        kind_line(result),
        *(f"learned: {line}" for line in result.learned),
        f"survey: {result.survey_records} records learned before fuzzing",
        f"requests: {result.requests}; answered 200 to valid requests: {cov.responses}, of which non-empty: "
        f"{cov.non_empty} ({cov.non_empty_share:.0%})",
        *throttling_lines(result),
        f"pages reached with records: {len(pages)} distinct (highest {pages[-1] if pages else '-'}; "
        f"beyond the first: {sum(n for p, n in cov.pages.items() if p > 1)}); last pages reached: {cov.last_pages}",
        "orderBy exercised: " + (", ".join(f"{k} {v}" for k, v in sorted(cov.order_by.items())) or "none"),
        "filters exercised: " + (", ".join(f"{k} {v}" for k, v in sorted(cov.filters.items())) or "none"),
    ]


def print_failures(result: RunResult, console: Console) -> None:
    """Each failing check once, its first examples numbered ``N. check: the rule it verifies``, the rest counted."""
    n = 0
    for group in by_check(result.failures):
        shown = f"{len(group.shown)} shown" if group.more else "all shown"
        console.print(
            f"\n[bold red]{escape(group.check)}[/]: {group.total} failure{'' if group.total == 1 else 's'} ({shown})",
            soft_wrap=True,
        )
        for failure in group.shown:
            n += 1
            console.print(f"\n[bold red]{n}. {escape(failure.check)}[/]: {escape(failure.title)}", soft_wrap=True)
            console.print(escape(failure.message), soft_wrap=True)
            console.print("Reproduce with:", soft_wrap=True)
            console.print(escape(failure.curl), soft_wrap=True, highlight=False)
        if group.more:
            console.print(
                f"… and {group.more} more of {escape(group.check)} (every one in results.json, with --report-dir)",
                soft_wrap=True,
            )
    if result.failures:
        console.print()


def throttling_lines(result: RunResult) -> list[str]:
    """The throttled answers, apart from the verdicts: waited out and retried, or given up (nothing judged)."""
    if not (result.retried or result.given_up):
        return []
    return [
        f"throttled: {result.retried} answers (429, or 503 with Retry-After) waited out and their request retried; "
        f"{result.given_up} requests still throttled after their retries, not judged (the run slowed down to what "
        "the target accepts; --rate-limit sets a pace from the start)"
    ]


def print_result(result: RunResult, console: Console) -> None:
    print_failures(result, console)
    table = Table(title=f"Contract checks: {result.api} at {escape(result.target)}", title_justify="left")
    table.add_column("check", no_wrap=True, min_width=26)
    table.add_column("kind", no_wrap=True)
    for column in ("responses", "fired", "failures", "verdict"):
        table.add_column(column, justify="right" if column in ("responses", "fired", "failures") else "left")
    for check in result.checks:
        verdict = check.verdict
        table.add_row(
            check.name,
            "semantic" if check.semantic else "schemathesis",
            str(check.runs),
            str(check.fired) if check.semantic else "",
            str(check.failures),
            f"[{_STYLE[verdict]}]{verdict.value}[/]",
        )
    console.print(table)
    for line in coverage_lines(result):
        console.print(escape(line), soft_wrap=True)
    never = result.not_exercised
    cut_short = result.cut_short
    if never and cut_short:
        console.print(
            f"[yellow]{len(never)} checks not exercised[/]: {escape(cut_short)} before they had anything to verify",
            soft_wrap=True,
        )
    for check in result.not_applicable:
        console.print(f"[dim]not applicable: {check.name}[/]: {escape(check.reason)}", soft_wrap=True)
    for change in result.data_changes:
        console.print(f"[cyan]data changed during the run[/]: {escape(change)}", soft_wrap=True)
    for check in never if not cut_short else ():
        console.print(f"[yellow]not exercised: {check.name}[/]: {escape(check.reason)}", soft_wrap=True)
    for error in result.errors:
        console.print(f"[red]error[/]: {escape(error)}", soft_wrap=True)
    console.print(f"seed: {result.seed} (replay with --seed {result.seed}); {result.elapsed:.1f} s", soft_wrap=True)
