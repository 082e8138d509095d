"""The JUnit report (``junit.xml``, and ``--junit FILE``): one test case per check, as CI lists tests.

Schemathesis's JUnit writer makes one test case per operation, so CI showed one line for thirty-odd checks; this
writer makes one per check of the verdict, with ``classname`` naming the API (``mockserver.contract.<api>``): a
failed check is a ``<failure>`` holding its first examples with their curl (the rest counted: every one is in
``results.json``), a check with nothing to verify or that does not apply is ``<skipped>`` with the reason, and what
stopped the run (the credentials check, Ctrl-C, network errors) is an ``<error>`` case of its own, named as before.
Written with the standard library's ElementTree, as Schemathesis writes its own.
"""

from __future__ import annotations

import platform
import re
from pathlib import Path
from xml.etree import ElementTree

from mockserver.contract.reports.grouping import by_check
from mockserver.contract.results import RunResult, Verdict

__all__ = ["write_junit"]

# Characters XML 1.0 forbids even as character references.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _ILLEGAL.sub("\N{REPLACEMENT CHARACTER}", text)


def _cases(result: RunResult) -> list[ElementTree.Element]:
    classname = f"mockserver.contract.{result.api}"
    groups = {group.check: group for group in by_check(result.failures)}
    cases = []
    for label, message in (
        ("credentials_check", result.fatal),
        ("interrupted", f"{result.cut_short}; the verdicts cover only what ran" if result.interrupted else None),
        ("network", "\n".join(result.errors) or None),
    ):
        if message is not None:
            case = ElementTree.Element("testcase", {"classname": classname, "name": label, "time": "0"})
            ElementTree.SubElement(case, "error", {"message": _clean(message.splitlines()[0])}).text = _clean(message)
            cases.append(case)
    for check in result.checks:
        case = ElementTree.Element("testcase", {"classname": classname, "name": check.name, "time": "0"})
        tally = f"{check.runs} responses, {check.fired} fired, {check.failures} failures"
        group = groups.get(check.name)
        if check.verdict is Verdict.FAILED:
            examples = [f"{f.title}\n{f.message}\nReproduce with:\n{f.curl}" for f in group.shown] if group else []
            if group is not None and group.more:
                examples.append(f"... and {group.more} more of this check (all in results.json)")
            failure = ElementTree.SubElement(
                case, "failure", {"message": _clean(f"{check.failures} failures"), "type": check.name}
            )
            failure.text = _clean("\n\n".join([f"{check.name}: {check.failures} failures", *examples]))
        elif check.verdict in (Verdict.NOT_EXERCISED, Verdict.NOT_APPLICABLE):
            ElementTree.SubElement(case, "skipped", {"message": _clean(f"{check.verdict.value}: {check.reason}")})
        ElementTree.SubElement(case, "system-out").text = tally
        cases.append(case)
    return cases


def render_junit(result: RunResult) -> str:
    cases = _cases(result)
    counts = {
        "tests": str(len(cases)),
        "failures": str(sum(case.find("failure") is not None for case in cases)),
        "errors": str(sum(case.find("error") is not None for case in cases)),
        "skipped": str(sum(case.find("skipped") is not None for case in cases)),
        "time": f"{result.elapsed:.3f}",
    }
    suites = ElementTree.Element("testsuites", counts)
    suite = ElementTree.SubElement(
        suites, "testsuite", {"name": f"mockserver fuzz --api {result.api}", "hostname": platform.node(), **counts}
    )
    suite.extend(cases)
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(result: RunResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_junit(result), encoding="utf-8")
