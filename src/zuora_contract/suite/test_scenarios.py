"""Multi-step rules that do not fit one exchange; each reports under a catalogue id."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from zuora_contract.catalogue.steps import execute_ok, executed, processed
from zuora_contract.failures import ContractFailure, TargetError, raise_all
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.rules.billruns import TYPES_ONLY, check_bill_run_shape, check_retrieved
from zuora_contract.rules.checks import body_of, is_refusal
from zuora_contract.target import Target

# Recorded with pytest-recording under cassettes/test_scenarios/ (make record), replayed by make replay.
pytestmark = pytest.mark.vcr


@pytest.mark.rule("items.walk-in-run-date-order")
def test_items_execute_in_run_date_order_through_every_status(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Executing `{}` repeatedly walks the items by run date; the schedule goes Pending → Partially → Fully."""
    if schedule.status != "Pending":
        raise ContractFailure("a new schedule is not Pending", schedule.status, "Pending")
    failures: list[ContractFailure] = []
    current = schedule
    for position, item in enumerate(schedule.require_pending(provisioner.item_count, provisioner.item_count)):
        bill_run = execute_ok(target, schedule.id, {})
        after = current = processed(provisioner, current, item.id, bill_run)
        left = [other.id for other in after.items if other.status != "Pending"]
        expected = [done.id for done in schedule.pending()[: position + 1]]
        if sorted(left) != sorted(expected):
            title = f"execution {position + 1} ran items out of run-date order"
            failures.append(ContractFailure(title, repr(left), repr(expected)))
        if position + 1 < len(schedule.items) and after.status != "PartiallyProcessed":
            failures.append(ContractFailure("schedule status after a partial run", after.status, "PartiallyProcessed"))
    final = provisioner.wait_schedule(schedule.id, lambda s: s.status == "FullyProcessed")
    if final.status != "FullyProcessed":
        failures.append(ContractFailure("schedule status after every item ran", final.status, "FullyProcessed"))
    raise_all(failures)


@pytest.mark.rule("billrun.new-per-execution")
def test_billrun_each_execution_creates_a_new_bill_run(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Two executions return two bill runs with distinct `id` and `billRunNumber`."""
    first = execute_ok(target, schedule.id, {})
    # Let the first item leave Pending: a refusal while it runs (lock contention) is not this rule's subject.
    executed(provisioner, schedule, schedule.require_pending(2, provisioner.item_count)[0].id, first)
    second = execute_ok(target, schedule.id, {})
    raise_all(check_bill_run_shape(first, TYPES_ONLY) + check_bill_run_shape(second, TYPES_ONLY))
    for field in ("id", "billRunNumber"):
        if first[field] == second[field]:
            raise ContractFailure(f"two executions returned the same {field}", repr(second[field]), "a new value")


@pytest.mark.rule("billrun.retrievable")
def test_billrun_is_retrievable_by_its_id(target: Target, provisioner: Provisioner, schedule: Schedule) -> None:
    """`GET /v1/bill-runs/{id}` returns the executed bill run with the same number."""
    created = execute_ok(
        target, schedule.id, {"scheduleItemId": schedule.require_pending(1, provisioner.item_count)[0].id}
    )
    raise_all(check_retrieved(provisioner.get_bill_run(str(created["id"])), created))


@pytest.mark.rule("concurrency.item-at-most-once")
def test_concurrency_named_item_executes_at_most_once(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Six concurrent executions of the same item create at most one bill run for it."""
    item = schedule.require_pending(1, provisioner.item_count)[0]

    def attempt(_: int) -> httpx.Response:
        return target.execute(schedule.id, {"scheduleItemId": item.id})

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(attempt, range(6)))
    successes = [response for response in responses if not is_refusal(response)]
    # An execution is a bill run: two successes naming the same bill run are one execution replayed.
    bill_runs = {str((body_of(response) or {}).get("id", index)) for index, response in enumerate(successes)}
    if len(bill_runs) > 1:
        received = f"{len(bill_runs)} bill runs for item {item.id}: {sorted(bill_runs)}"
        raise ContractFailure("one item executed more than once under concurrency", received, "at most 1")
    if not successes:
        # Every attempt refused (a lock, a rate limit, a temporary error): at-most-once was not exercised.
        statuses = sorted(response.status_code for response in responses)
        raise TargetError(f"all concurrent attempts were refused (HTTP {statuses}); the rule could not be judged")
