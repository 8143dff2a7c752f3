"""ACME's own rules, judged next to the catalogue and reported in the same conformance.json."""

from __future__ import annotations

import time

import pytest

from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.target import Target


@pytest.mark.rule("acme.execute-within-two-seconds", level="should", source="ACME service levels")
def test_acme_execute_answers_within_two_seconds(target: Target, provisioner: Provisioner, schedule: Schedule) -> None:
    """Our customers' SLA: execute answers within 2 s (not a Zuora rule, so only a warning if broken)."""
    started = time.monotonic()
    response = target.execute(schedule.id, {})
    elapsed = time.monotonic() - started
    assert response.status_code == 200, f"execute answered HTTP {response.status_code}"
    assert elapsed < 2.0, f"execute took {elapsed:.2f} s; ACME promises under 2 s"
