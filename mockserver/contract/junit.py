"""The JUnit XML file CI systems read: one test case per check and API, written even when the run fails."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from mockserver.contract.results import RunResult, Verdict

__all__ = ["write_junit"]


def write_junit(result: RunResult, path: Path) -> None:
    suite = ET.Element(
        "testsuite",
        name=f"contract.{result.api}",
        tests=str(len(result.checks)),
        failures=str(result.failed),
        errors="0",
        time=f"{result.elapsed:.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="seed", value=str(result.seed))
    ET.SubElement(properties, "property", name="interrupted", value=str(result.interrupted).lower())
    if result.interrupted:
        case = ET.SubElement(suite, "testcase", classname=f"contract.{result.api}", name="interrupted")
        ET.SubElement(case, "error", message=f"{result.cut_short}; the verdicts cover only what ran")
    if result.fatal is not None:
        case = ET.SubElement(suite, "testcase", classname=f"contract.{result.api}", name="credentials_check")
        ET.SubElement(case, "error", message=result.fatal)
    errors = len(suite.findall("testcase/error"))
    suite.set("tests", str(len(result.checks) + errors))
    suite.set("errors", str(errors))
    for check in result.checks:
        case = ET.SubElement(suite, "testcase", classname=f"contract.{result.api}", name=check.name)
        verdict = check.verdict
        if verdict is Verdict.FAILED:
            found = [f for f in result.failures if f.check == check.name]
            text = "\n\n".join(f"{f.message}\nReproduce with:\n{f.curl}" for f in found)
            ET.SubElement(case, "failure", message=f"{check.failures} failing responses").text = text
        elif verdict is Verdict.NOT_EXERCISED:
            ET.SubElement(case, "skipped", message=f"not exercised: {check.reason}")
    if result.errors:
        case = ET.SubElement(suite, "testcase", classname=f"contract.{result.api}", name="network")
        ET.SubElement(case, "failure", message=f"{len(result.errors)} errors").text = "\n".join(result.errors)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
