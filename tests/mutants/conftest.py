"""Collect mutant results and print the suite's detection score at the end of the run."""

from __future__ import annotations

from typing import Any

import pytest

SCORES: dict[str, bool] = {}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print killed / total, so `make test` shows the suite's detection power."""
    if not SCORES:
        return
    killed = sum(SCORES.values())
    terminalreporter.section("mutant detection")
    for name, caught in sorted(SCORES.items()):
        terminalreporter.write_line(f"{'killed ' if caught else 'SURVIVED'} {name}")
    terminalreporter.write_line(f"detection score: {killed}/{len(SCORES)} mutants killed")


@pytest.fixture
def score() -> dict[str, bool]:
    """Where each mutant test records whether the suite caught it."""
    return SCORES
