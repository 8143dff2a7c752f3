"""Run the contract suite exactly as a user does: a child process with ZUORA_* in its environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[2]
# The user's command. When `python -m zuora_contract run` exists, this is the one line to change.
USER_COMMAND = (sys.executable, "-m", "pytest", "--pyargs", "zuora_contract.suite")
# A run against something we did not write must end within this bound (the brief's 120 s).
BOUND_SECONDS = 120.0
# Generous, so a run that overshoots the bound is measured and reported rather than killed.
KILL_AFTER_SECONDS = 300.0
# Short waits and a small fuzz budget; no pacing: every interop target runs on loopback.
USER_ENV = {
    "ZUORA_ACCOUNT_KEY": "A00000001",
    "ZUORA_WAIT_SECONDS": "1.5",
    "FUZZ_EXAMPLES": "5",
    "FUZZ_RATE": "0",
}


@dataclass(frozen=True)
class UserRun:
    """What a user sees after one run: exit code, output, the JSON report and the JUnit file."""

    exit_code: int
    stdout: str = field(repr=False)
    stderr: str = field(repr=False)
    seconds: float
    report: dict[str, Any] = field(repr=False)
    junit: Path
    report_dir: Path

    def junit_files(self) -> dict[str, Path]:
        """The JUnit files: pytest's --junitxml (what CI passes) and the suite's own junit.xml."""
        return {"--junitxml": self.junit, "junit.xml": self.report_dir / "junit.xml"}

    @property
    def verdict(self) -> str:
        return str(self.report.get("verdict", "missing"))

    def checks(self, *outcomes: str) -> list[dict[str, Any]]:
        """The report's checks with one of these outcomes (all checks when none is given)."""
        return [check for check in self.report.get("checks", []) if not outcomes or check["outcome"] in outcomes]


def run_as_user(base_url: str, report_dir: Path, env: dict[str, str]) -> UserRun:
    """Run the suite against `base_url` with a JUnit report beside conformance.json."""
    report_dir.mkdir(parents=True, exist_ok=True)
    junit = report_dir.parent / f"{report_dir.name}-pytest-junit.xml"
    child = {key: value for key, value in os.environ.items() if not key.startswith(("ZUORA_", "STRICT", "FUZZ_"))}
    child.update(USER_ENV, ZUORA_BASE_URL=base_url, ZUORA_REPORT_DIR=str(report_dir), **env)
    started = time.monotonic()
    completed = subprocess.run(
        [*USER_COMMAND, f"--junitxml={junit}"],
        cwd=ROOT,
        env=child,
        capture_output=True,
        text=True,
        timeout=KILL_AFTER_SECONDS,
        check=False,
    )
    seconds = time.monotonic() - started
    path = report_dir / "conformance.json"
    report = json.loads(path.read_text()) if path.exists() else {}
    return UserRun(completed.returncode, completed.stdout, completed.stderr, seconds, report, junit, report_dir)


# Exceptions of the suite's own code; a result message naming one means the suite crashed, not judged.
SUITE_EXCEPTION = re.compile(
    r"\b(Traceback|ValueError|StopIteration|KeyError|TypeError|AttributeError|IndexError|NameError|"
    r"UnboundLocalError|ZeroDivisionError|RecursionError|RuntimeError|UnicodeEncodeError|UnicodeDecodeError|"
    r"JSONDecodeError|ExceptionGroup|FlakyStrategyDefinition|hypothesis\.errors\.\w+)\b"
)
# A Python traceback as the interpreter or pytest prints one.
TRACEBACK = re.compile(r"^(?:\s*\|?\s*Traceback \(most recent call last\)|\S+\.py:\d+: in \S+)", re.MULTILINE)
# What a readable failure names: the operation, what was sent, and what came back.
OPERATION = re.compile(r"\b(?:GET|POST|PUT|DELETE|PATCH)\s+/\S+")
SENT = re.compile(r"\b(?:sent|sending|curl)\b|\brequest (?:body|headers?)\b|\bRequest:", re.IGNORECASE)
ANSWER = re.compile(r"\b(?:HTTP|status) \d{3}\b")


class UnreadableJUnit(Exception):
    """The JUnit file is missing or not well-formed XML, so no CI server can read it."""


def junit_counts(junit: Path) -> dict[str, Any]:
    """Failures, errors and rule ids as the JUnit file tells them, per testcase."""
    try:
        root = ElementTree.parse(junit).getroot()
    except (OSError, ElementTree.ParseError) as error:
        raise UnreadableJUnit(f"{junit.name}: {error}{_offending_line(junit, error)}") from None
    cases = list(root.iter("testcase"))
    failed = {_rule(case) for case in cases if case.find("failure") is not None}
    errored = {_rule(case) for case in cases if case.find("error") is not None}
    rules = [_rule(case) for case in cases if _rule(case)]
    return {
        "failures": sum(case.find("failure") is not None for case in cases),
        "errors": sum(case.find("error") is not None for case in cases),
        "failed_rules": failed - {""},
        "errored_rules": errored - {""},
        "rules": rules,
    }


def _rule(case: ElementTree.Element) -> str:
    values = {prop.get("value") for prop in case.iter("property") if prop.get("name") == "rule"}
    return str(values.pop()) if len(values) == 1 else ""


def _offending_line(junit: Path, error: Exception) -> str:
    position = getattr(error, "position", None)
    if not position or not junit.exists():
        return ""
    line = junit.read_bytes().splitlines()[position[0] - 1]
    return f"; line {position[0]}: {line[:120]!r}"
