"""Collect mutant results and print the suite's detection score at the end of the run."""

from __future__ import annotations

from typing import Any

import pytest

SCORES: dict[str, bool] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Gather each mutant's result from its report, which also reaches the controller under xdist."""
    properties = dict(report.user_properties)
    if report.when == "call" and "mutant" in properties:
        SCORES[str(properties["mutant"])] = bool(properties["killed"])


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print killed / total, so `make test` shows the suite's detection power."""
    if not SCORES:
        return
    killed = sum(SCORES.values())
    terminalreporter.section("mutant detection")
    for name, caught in sorted(SCORES.items()):
        terminalreporter.write_line(f"{'killed  ' if caught else 'SURVIVED'} {name}")
    terminalreporter.write_line(f"detection score: {killed}/{len(SCORES)} mutants killed")
