"""Named preconditions for catalogue cases, provisioned only through documented operations."""

from __future__ import annotations

from dataclasses import dataclass, field

from zuora_contract.cassettes import ids
from zuora_contract.failures import TargetError
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.rules.checks import is_refusal


@dataclass
class Given:
    """A provisioned schedule plus the values a case's placeholders resolve to."""

    schedule: Schedule
    values: dict[str, str] = field(default_factory=dict)
    # Other schedules the case names (another schedule's item): a refusal must leave them alone too.
    others: list[Schedule] = field(default_factory=list)


def unknown_id() -> str:
    """A random 32-hex ID that no tenant has issued; from `ids`, so a replay asks for the same one."""
    return ids.unknown_id()


def _pending_schedule(provisioner: Provisioner) -> Given:
    schedule = provisioner.create_schedule()
    earliest, later, *_ = schedule.require_pending(2, provisioner.item_count)
    return Given(schedule, {"$earliest_item": earliest.id, "$later_item": later.id})


def _paused_schedule(provisioner: Provisioner) -> Given:
    given = _pending_schedule(provisioner)
    given.schedule = provisioner.pause(given.schedule.id)
    if given.schedule.status != "Paused":
        raise TargetError(f"pausing a schedule left it {given.schedule.status!r}, not 'Paused'")
    return given


def _resumed_schedule(provisioner: Provisioner) -> Given:
    given = _paused_schedule(provisioner)
    given.schedule = provisioner.resume(given.schedule.id)
    return given


def _first_item_executed(provisioner: Provisioner) -> Given:
    schedule = provisioner.create_schedule()
    first, second, *_ = schedule.require_pending(2, provisioner.item_count)
    response = provisioner.target.execute(schedule.id, {"scheduleItemId": first.id})
    if response.status_code != 200 or is_refusal(response):
        raise TargetError(
            f"executing the first item to prepare the case was refused (HTTP {response.status_code}): "
            f"{response.text[:200]}"
        )
    # KC-ITEM: Executing turns Processed asynchronously; wait, so no later status change looks like a side effect.
    schedule = provisioner.wait_item_processed(schedule.id, first.id)
    if schedule.item(first.id).status != "Processed":
        status = schedule.item(first.id).status
        raise TargetError(f"the first item is still {status} after ZUORA_WAIT_SECONDS, so the case cannot be prepared")
    return Given(schedule, {"$processed_item": first.id, "$earliest_item": second.id})


def _fully_processed_schedule(provisioner: Provisioner) -> Given:
    schedule = provisioner.create_schedule()
    items = schedule.require_pending(provisioner.item_count, provisioner.item_count)
    for item in items:
        response = provisioner.target.execute(schedule.id, {"scheduleItemId": item.id})
        if response.status_code != 200 or is_refusal(response):
            raise TargetError(f"executing item {item.id} to prepare the case was refused (HTTP {response.status_code})")
        schedule = provisioner.wait_item_processed(schedule.id, item.id)
        if schedule.item(item.id).status != "Processed":
            raise TargetError(f"item {item.id} is not Processed within ZUORA_WAIT_SECONDS; cannot prepare the case")
    schedule = provisioner.wait_schedule(schedule.id, lambda s: s.status == "FullyProcessed")
    if schedule.status != "FullyProcessed":
        raise TargetError(f"every item is Processed but the schedule is {schedule.status!r}, not FullyProcessed")
    return Given(schedule, {"$processed_item": items[-1].id})


PRECONDITIONS = {
    "pending-schedule": _pending_schedule,
    "paused-schedule": _paused_schedule,
    "resumed-schedule": _resumed_schedule,
    "first-item-executed": _first_item_executed,
    "fully-processed-schedule": _fully_processed_schedule,
}


# Every placeholder a precondition or `provision` can fill in; the case schema's enum must equal it.
PLACEHOLDERS = frozenset({"$earliest_item", "$later_item", "$processed_item", "$other_schedule_item", "$unknown_item"})


def provision(name: str, provisioner: Provisioner, needs_other: bool) -> Given:
    """Build the named precondition; add another schedule's item when the case refers to one."""
    given = PRECONDITIONS[name](provisioner)
    given.values.setdefault("$unknown_item", unknown_id())
    if needs_other:
        other = provisioner.create_schedule()
        given.values["$other_schedule_item"] = other.require_pending(1, provisioner.item_count)[0].id
        given.others.append(other)
    return given
