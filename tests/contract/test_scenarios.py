"""Multi-step rules that do not fit one exchange; each reports under a catalogue id."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from zuora_contract import ids
from zuora_contract.billruns import TYPES_ONLY, check_bill_run_shape, check_retrieved, check_success_status
from zuora_contract.checks import body_of, is_refusal, require_judgeable
from zuora_contract.failures import ContractFailure, TargetError, raise_all
from zuora_contract.processing import check_item_executed
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.target import Target

# Recorded with pytest-recording under cassettes/test_scenarios/ (make record), replayed by make replay.
pytestmark = pytest.mark.vcr

SCHEDULE_STATUSES = ("Pending", "PartiallyProcessed", "FullyProcessed")


def _execute_ok(target: Target, key: str, body: dict[str, str], **kwargs: object) -> dict[str, object]:
    response = target.execute(key, body, **kwargs)  # type: ignore[arg-type]
    require_judgeable(response)
    raise_all(check_success_status(response))
    payload: dict[str, object] = response.json()
    return payload


def _executed(provisioner: Provisioner, before: Schedule, item_id: str, bill_run: dict[str, object]) -> None:
    """The item left Pending, judged on evidence (a slow tenant is `error`, not a failure)."""
    raise_all(check_item_executed(provisioner, before, item_id, str(bill_run.get("id"))))


def _processed(provisioner: Provisioner, before: Schedule, item_id: str, bill_run: dict[str, object]) -> Schedule:
    """The schedule once the item is Processed (KC-STATUS counts processed items, not executing ones)."""
    after = provisioner.wait_item_processed(before.id, item_id)
    status = after.item(item_id).status
    if status == "Pending":
        _executed(provisioner, before, item_id, bill_run)
    if status != "Processed":
        wait = provisioner.target.settings.wait_seconds
        raise TargetError(
            f"item {item_id} still {status} after {wait:g}s, so the schedule status cannot be judged yet; "
            "raise ZUORA_WAIT_SECONDS for a slow tenant"
        )
    return after


@pytest.mark.rule("items.walk-in-run-date-order", level="must", source="KC-GEN, KC-STATUS, KC-ITEM")
def test_items_execute_in_run_date_order_through_every_status(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Executing `{}` repeatedly walks the items by run date; the schedule goes Pending → Partially → Fully."""
    if schedule.status != "Pending":
        raise ContractFailure("a new schedule is not Pending", schedule.status, "Pending")
    failures: list[ContractFailure] = []
    current = schedule
    for position, item in enumerate(schedule.require_pending(provisioner.item_count, provisioner.item_count)):
        bill_run = _execute_ok(target, schedule.id, {})
        after = current = _processed(provisioner, current, item.id, bill_run)
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


@pytest.mark.rule("billrun.new-per-execution", level="must", source="REF-HTML")
def test_billrun_each_execution_creates_a_new_bill_run(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Two executions return two bill runs with distinct `id` and `billRunNumber`."""
    first = _execute_ok(target, schedule.id, {})
    # Let the first item leave Pending: a refusal while it runs (lock contention) is not this rule's subject.
    _executed(provisioner, schedule, schedule.require_pending(2, provisioner.item_count)[0].id, first)
    second = _execute_ok(target, schedule.id, {})
    raise_all(check_bill_run_shape(first, TYPES_ONLY) + check_bill_run_shape(second, TYPES_ONLY))
    for field in ("id", "billRunNumber"):
        if first[field] == second[field]:
            raise ContractFailure(f"two executions returned the same {field}", repr(second[field]), "a new value")


@pytest.mark.rule("billrun.retrievable", level="must", source="DEV-GETBR")
def test_billrun_is_retrievable_by_its_id(target: Target, provisioner: Provisioner, schedule: Schedule) -> None:
    """`GET /v1/bill-runs/{id}` returns the executed bill run with the same number."""
    created = _execute_ok(
        target, schedule.id, {"scheduleItemId": schedule.require_pending(1, provisioner.item_count)[0].id}
    )
    raise_all(check_retrieved(provisioner.get_bill_run(str(created["id"])), created))


def _statuses(provisioner: Provisioner, schedule: Schedule) -> dict[str, str]:
    return {item.id: item.status for item in provisioner.get_schedule(schedule.id).items}


@pytest.mark.rule("idempotency.replay", level="must", source="DEV-IDEMP")
def test_idempotency_same_key_replays_without_executing(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """A repeated Idempotency-Key returns the first status and body, and executes nothing new."""
    key = ids.idempotency_key()
    first = target.execute(schedule.id, {}, headers={"Idempotency-Key": key})
    require_judgeable(first)
    raise_all(check_success_status(first))
    # Judge the replay only once the first execution is seen to have run; else "nothing new" proves nothing.
    _executed(provisioner, schedule, schedule.require_pending(2, provisioner.item_count)[0].id, first.json())
    before = _statuses(provisioner, schedule)
    second = target.execute(schedule.id, {}, headers={"Idempotency-Key": key})
    require_judgeable(second, "the replay")
    failures: list[ContractFailure] = []
    if second.status_code != first.status_code or body_of(second) != body_of(first):
        received = f"HTTP {second.status_code} {str(body_of(second))[:200]}"
        failures.append(ContractFailure("repeat with the same key was not replayed", received, "the first response"))
    pending_after = [item for item, status in _statuses(provisioner, schedule).items() if status == "Pending"]
    if len(pending_after) != len([status for status in before.values() if status == "Pending"]):
        failures.append(ContractFailure("repeat with the same key executed again", repr(pending_after), repr(before)))
    raise_all(failures)


@pytest.mark.rule("idempotency.new-key-executes", level="must", source="DEV-IDEMP")
def test_idempotency_different_key_executes_again(target: Target, provisioner: Provisioner, schedule: Schedule) -> None:
    """A different Idempotency-Key is a new request: a new bill run for the next item."""
    first_item, second_item, *_ = schedule.require_pending(2, provisioner.item_count)
    first = _execute_ok(target, schedule.id, {}, headers={"Idempotency-Key": ids.idempotency_key()})
    _executed(provisioner, schedule, first_item.id, first)
    current = provisioner.get_schedule(schedule.id)
    second = _execute_ok(target, schedule.id, {}, headers={"Idempotency-Key": ids.idempotency_key()})
    if first["id"] == second["id"]:
        raise ContractFailure("a new key replayed the earlier bill run", repr(second["id"]), "a new bill run id")
    _executed(provisioner, current, second_item.id, second)


@pytest.mark.rule("idempotency.replays-refusals", level="must", source="DEV-IDEMP")
def test_idempotency_replays_a_refusal_after_the_cause_is_gone(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """The stored result is replayed 'whether the call succeeded or failed': a refusal stays a refusal."""
    key = ids.idempotency_key()
    provisioner.pause(schedule.id)
    refused = target.execute(schedule.id, {}, headers={"Idempotency-Key": key})
    require_judgeable(refused)
    if not is_refusal(refused):
        raise ContractFailure("a paused schedule was executed", f"HTTP {refused.status_code}", "a refusal")
    provisioner.resume(schedule.id)
    replay = target.execute(schedule.id, {}, headers={"Idempotency-Key": key})
    require_judgeable(replay, "the replay")
    if replay.status_code != refused.status_code or body_of(replay) != body_of(refused):
        received = f"HTTP {replay.status_code} {str(body_of(replay))[:200]}"
        raise ContractFailure("repeat of a refused request was not replayed", received, "the stored refusal")


@pytest.mark.rule("concurrency.item-at-most-once", level="must", source="REF-HTML, DEV-IDEMP")
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
