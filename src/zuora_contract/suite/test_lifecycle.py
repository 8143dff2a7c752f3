"""Lifecycle rules across several requests: resume restores the status, concurrent `{}` runs each item once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from zuora_contract.catalogue.steps import execute_ok, processed, require_not_transient
from zuora_contract.failures import ContractFailure, TargetError, raise_all
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.rules.checks import body_of, is_refusal
from zuora_contract.target import Target

# Recorded with pytest-recording under cassettes/test_lifecycle/ (make record), replayed by make replay.
pytestmark = pytest.mark.vcr


def _pause_resume(provisioner: Provisioner, schedule: Schedule, before: str) -> list[ContractFailure]:
    paused = provisioner.pause(schedule.id)
    if paused.status != "Paused":
        raise TargetError(f"pausing left the schedule {paused.status!r}, so resume cannot be judged")
    resumed = provisioner.resume(schedule.id)
    if resumed.status == before:
        return []
    return [ContractFailure(f"resume did not restore {before}", resumed.status, before)]


@pytest.mark.rule("lifecycle.resume-restores-status")
def test_lifecycle_resume_restores_the_status_before_the_pause(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Pending → Paused → Pending, and PartiallyProcessed → Paused → PartiallyProcessed."""
    first = schedule.require_pending(2, provisioner.item_count)[0]
    failures = _pause_resume(provisioner, schedule, "Pending")
    bill_run = execute_ok(target, schedule.id, {"scheduleItemId": first.id})
    after = processed(provisioner, provisioner.get_schedule(schedule.id), first.id, bill_run)
    if after.status != "PartiallyProcessed":
        raise TargetError(f"after one processed item the schedule is {after.status!r}; walk rule's subject")
    raise_all(failures + _pause_resume(provisioner, schedule, "PartiallyProcessed"))


@pytest.mark.rule("lifecycle.concurrent-empty-bodies-once-each")
def test_lifecycle_concurrent_empty_bodies_execute_each_item_once_in_order(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Concurrent `{}` requests: one item per success, no item twice, and the earliest items first."""
    pending = schedule.require_pending(provisioner.item_count, provisioner.item_count)

    def attempt(_: int) -> httpx.Response:
        return target.execute(schedule.id, {})

    with ThreadPoolExecutor(max_workers=len(pending)) as pool:
        responses = list(pool.map(attempt, range(len(pending))))
    for response in responses:
        require_not_transient(response)
    bill_runs = {str((body_of(response) or {}).get("id")) for response in responses if not is_refusal(response)}
    if not bill_runs:
        raise TargetError(f"every concurrent request was refused (HTTP {[r.status_code for r in responses]})")
    after = provisioner.wait_schedule(
        schedule.id, lambda s: sum(item.status != "Pending" for item in s.items) >= len(bill_runs)
    )
    ran = [item.id for item in after.items if item.status != "Pending"]
    if len(ran) < len(bill_runs):
        raise TargetError(f"{len(bill_runs)} bill runs but {len(ran)} items left Pending so far; raise the wait")
    failures: list[ContractFailure] = []
    if len(ran) > len(bill_runs):
        failures.append(ContractFailure("refused requests executed items", repr(ran), f"{len(bill_runs)} items"))
    earliest = [item.id for item in pending[: len(ran)]]
    if sorted(ran) != sorted(earliest):
        failures.append(ContractFailure("concurrent {} skipped an earlier pending item", repr(ran), repr(earliest)))
    raise_all(failures)
