"""The heartbeat speaks during a silent stretch and stays quiet while tests report."""

from __future__ import annotations

import time

import pytest

from zuora_contract.report import progress


class _Reporter:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def test_progress_heartbeat_names_the_running_test_when_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    """After the quiet interval the current test and the count are printed; after stop, nothing more."""
    monkeypatch.setattr(progress, "QUIET_SECONDS", 0.2)
    reporter = _Reporter()
    heartbeat = progress.Heartbeat(reporter, total=3)
    heartbeat.start()
    heartbeat.began("tests/contract/test_scenarios.py::test_walk")
    time.sleep(1.5)
    heartbeat.stop()
    assert reporter.lines, "no heartbeat during a 1.5 s silence"
    assert "0 of 3 tests done; now tests/contract/test_scenarios.py::test_walk" in reporter.lines[0]
    count = len(reporter.lines)
    time.sleep(1.2)
    assert len(reporter.lines) == count
