"""A JUnit XML report of a contract run, for CI systems that show test results.

One ``testcase`` per operation of the document; each finding on it is a ``failure`` with the
reproduction commands in its text; run errors become one ``error`` case. An operation that got no
case is ``skipped``, so a run that could not reach the server never looks green.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from contracts.outcome import Outcome

SUITE_NAME = "bankfeeds-contract"


def to_xml(outcome: Outcome) -> ET.Element:
    suite = ET.Element("testsuite", name=SUITE_NAME, time=f"{outcome.elapsed:.3f}")
    findings_by_operation: dict[str, list[str]] = {}
    for finding in outcome.findings:
        text = f"{finding.message.strip()}\n\nReproduce with:\n{finding.reproduce}"
        findings_by_operation.setdefault(finding.operation, []).append(f"[{finding.code}] {finding.title}\n{text}")
    labels = sorted({*outcome.operations, *findings_by_operation})
    failures = skipped = 0
    for label in labels:
        case = ET.SubElement(suite, "testcase", classname=SUITE_NAME, name=label)
        tally = outcome.operations.get(label)
        for text in findings_by_operation.get(label, []):
            failure = ET.SubElement(case, "failure", message=text.splitlines()[0])
            failure.text = text
            failures += 1
        if tally is not None and tally.cases == 0 and label not in findings_by_operation:
            ET.SubElement(case, "skipped", message="no case reached this operation")
            skipped += 1
    for error in outcome.errors:
        case = ET.SubElement(suite, "testcase", classname=SUITE_NAME, name="run")
        ET.SubElement(case, "error", message=error.splitlines()[0]).text = error
    suite.set("tests", str(len(labels) + len(outcome.errors)))
    suite.set("failures", str(failures))
    suite.set("errors", str(len(outcome.errors)))
    suite.set("skipped", str(skipped))
    return suite


def write(outcome: Outcome, path: Path) -> None:
    """Write the report, creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(to_xml(outcome))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
