"""The JUnit XML report, written from the same rule outcomes as the JSON so the two always agree."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from zuora_contract.report.results import Report, RuleResult

# JUnit has no "warning": a should-level failure and an accepted divergence are skipped cases with a
# type, visible on a CI dashboard without failing it, as in the JSON where they do not fail the verdict.
_SKIPPED_TYPES = {"warning": "warning", "diverged": "diverged", "skipped": "skipped"}


# XML 1.0 admits no control characters but tab and newlines; a target's bytes may hold any.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _case(suite: ElementTree.Element, result: RuleResult) -> None:
    case = ElementTree.SubElement(
        suite, "testcase", classname=f"zuora_contract.{result.family}", name=result.id, time=f"{result.duration:.3f}"
    )
    properties = ElementTree.SubElement(case, "properties")
    for name, value in (("rule", result.id), ("level", result.level), ("outcome", result.outcome)):
        ElementTree.SubElement(properties, "property", name=name, value=value)
    if result.source:
        ElementTree.SubElement(properties, "property", name="source", value=result.source)
    text = _xml_text("\n\n".join(part for part in (result.message, result.exchange) if part))
    headline = text.strip().splitlines()[0] if text.strip() else result.outcome
    if result.outcome == "failed":
        ElementTree.SubElement(case, "failure", message=headline, type=f"{result.level} rule").text = text
    elif result.outcome == "error":
        ElementTree.SubElement(case, "error", message=headline, type="could not judge").text = text
    elif result.outcome in _SKIPPED_TYPES:
        ElementTree.SubElement(case, "skipped", message=headline, type=_SKIPPED_TYPES[result.outcome]).text = text


def render(report: Report) -> ElementTree.ElementTree:
    """One testsuite, one testcase per rule id; a run that stopped early is one errored testcase."""
    results = list(report.results)
    if report.fatal:
        results.append(RuleResult("run.could-not-judge", "must", "error", report.fatal, test="run"))
    counts = {
        "tests": len(results),
        "failures": sum(result.outcome == "failed" for result in results),
        "errors": sum(result.outcome == "error" for result in results),
        "skipped": sum(result.outcome in _SKIPPED_TYPES for result in results),
    }
    attributes = {key: str(value) for key, value in counts.items()}
    suite = ElementTree.Element("testsuite", attributes)
    suite.set("name", f"zuora-contract {report.target}".strip())
    suite.set("timestamp", report.started)
    suite.set("time", f"{sum(result.duration for result in results):.3f}")
    for result in results:
        _case(suite, result)
    root = ElementTree.Element("testsuites", dict(attributes))
    root.append(suite)
    ElementTree.indent(root)
    return ElementTree.ElementTree(root)


def write_junit(report: Report, directory: Path, name: str = "junit.xml") -> Path:
    """Write the JUnit file (`junit.xml` by default) into the report directory."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    render(report).write(path, encoding="utf-8", xml_declaration=True)
    return path
