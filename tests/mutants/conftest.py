"""Collect mutant and variant results; print the detection score and the variants' acceptance score."""

from __future__ import annotations

from typing import Any

import pytest
from tests.mutants.catalog import UNDEMONSTRATED

SCORES: dict[str, bool] = {}
# Correct variants: name@version -> (accepted by the suite, the rules that objected).
VARIANT_SCORES: dict[str, tuple[bool, str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Gather each mutant's and variant's result from its report, which also reaches the controller under xdist."""
    properties = dict(report.user_properties)
    if report.when != "call":
        return
    if "mutant" in properties:
        SCORES[str(properties["mutant"])] = bool(properties["killed"])
    if "variant" in properties:
        VARIANT_SCORES[str(properties["variant"])] = (bool(properties["accepted"]), str(properties["objections"]))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print killed / total and accepted / total, so `make test` shows detection power and false positives."""
    if SCORES:
        killed = sum(SCORES.values())
        terminalreporter.section("mutant detection")
        for name, caught in sorted(SCORES.items()):
            terminalreporter.write_line(f"{'killed  ' if caught else 'SURVIVED'} {name}")
    if VARIANT_SCORES:
        terminalreporter.section("correct variants (false-positive self-test)")
        for name, (accepted, objections) in sorted(VARIANT_SCORES.items()):
            terminalreporter.write_line(f"{'accepted' if accepted else 'FAILED  '} {name}")
            if objections:
                for objection in objections.split("; "):
                    terminalreporter.write_line(f"           {objection[:150]}")
    if SCORES:
        terminalreporter.write_line(f"detection score: {killed}/{len(SCORES)} mutants killed")
        terminalreporter.write_line(f"must rules no mutant demonstrates: {len(UNDEMONSTRATED) or 'none'}")
        for rule, reason in sorted(UNDEMONSTRATED.items()):
            terminalreporter.write_line(f"  {rule}: {reason}")
    if VARIANT_SCORES:
        accepted = sum(ok for ok, _ in VARIANT_SCORES.values())
        total = len(VARIANT_SCORES)
        terminalreporter.write_line(
            f"variant score: {accepted}/{total} correct variants accepted (exercised, no false positive)"
        )
