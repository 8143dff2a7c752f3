"""Executing a schedule: choosing and claiming the item, creating the bill run, and its status over time."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import lru_cache

from zuora_mock.errors import ApiError, Category, JsonObject, not_found
from zuora_mock.models import PENDING, BillRun, Schedule, ScheduleItem, new_id
from zuora_mock.schedules import next_pending
from zuora_mock.state import Store

PROCESSING, COMPLETED = "Processing", "Completed"


@lru_cache(maxsize=64)
def _second(second: int) -> str:
    # Zuora's samples use "YYYY-MM-DD HH:MM:SS" without a zone; the mock reports UTC.
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(second))


def _timestamp(moment: float) -> str:
    # Thousands of runs a second share a handful of distinct seconds, so each is formatted once.
    return _second(int(moment))


def status_at(run: BillRun, delay: float, now: float) -> tuple[str, float]:
    """Return the run's status and its updatedDate at `now`: Processing from half the delay, Completed at it."""
    if now >= run.created_at + delay:
        return COMPLETED, run.created_at + delay
    if now >= run.created_at + delay / 2:
        return PROCESSING, run.created_at + delay / 2
    return PENDING, run.created_at


def _named_item(schedule: Schedule, item_id: str) -> ScheduleItem:
    # An item of another schedule is reported as not found, as if it did not exist in this one.
    upcoming = next_pending(schedule)
    if upcoming is not None and upcoming.id == item_id:
        return upcoming  # the usual case, found without scanning the items
    item = next((i for i in schedule.items if i.id == item_id), None)
    if item is None:
        raise not_found("Invoice schedule item", item_id)
    if item.status != PENDING:
        raise ApiError(Category.RULE_RESTRICTION, f"Invoice schedule item {item_id} is {item.status}, not Pending.")
    if item is not next_pending(schedule):
        raise ApiError(
            Category.RULE_RESTRICTION,
            f"Invoice schedule item {item_id} is not the earliest pending item with a run date of the schedule.",
        )
    return item


def execute(store: Store, schedule_key: str, item_id: str | None, user_id: str) -> BillRun:
    """Run a schedule now: claim the item under the lock so concurrent calls bill each item at most once."""
    with store.lock:
        schedule = store.schedule(schedule_key)
        if schedule.paused:
            raise ApiError(
                Category.RULE_RESTRICTION, f"Invoice schedule {schedule.number} is paused and cannot be executed."
            )
        item = _named_item(schedule, item_id) if item_id is not None else next_pending(schedule)
        now = store.now()
        if item is not None:
            schedule.claim(item, now + store.config.processing_delay)
        run = BillRun(
            id=new_id(),
            number=store.next_bill_run_number(),
            account_id=schedule.account_id,
            schedule_id=schedule.id,
            # The item's own id string when they match, so the run shares it instead of keeping a copy.
            requested_item_id=item.id if item and item.id == item_id else item_id,
            item_id=item.id if item else None,
            # With nothing left to bill, the run targets today (the documented credit-memo case).
            target_date=item.run_date if item and item.run_date else datetime.now(UTC).date(),
            created_by=user_id,
            created_at=now,
        )
        store.add_bill_run(run, schedule)
        return run


def render(run: BillRun, delay: float, now: float | None = None) -> JsonObject:
    """Return the bill run as it is at `now` (None: as created), with exactly the fields of Zuora's samples."""
    status, updated_at = (PENDING, run.created_at) if now is None else status_at(run, delay, now)
    return {
        "id": run.id,
        "autoEmail": False,
        "autoPost": False,
        "autoRenewal": False,
        "billCycleDay": None,
        "billRunNumber": f"BR-{run.number:08d}",
        "invoiceDate": run.target_date.isoformat(),
        "noEmailForZeroAmountInvoice": False,
        "status": status,
        "targetDate": run.target_date.isoformat(),
        "targetDateOffset": None,
        "invoiceDateOffset": None,
        "scheduledExecutionTime": None,
        "createdById": run.created_by,
        "createdDate": _timestamp(run.created_at),
        "updatedById": run.created_by,
        "updatedDate": _timestamp(updated_at),
        "batches": None,
        "chargeTypeToExclude": ["Usage"],
        "billRunFilters": [
            {
                "filterType": "InvoiceSchedule",
                "accountId": run.account_id,
                "subscriptionId": None,
                "invoiceScheduleId": run.schedule_id,
                "invoiceScheduleItemId": run.requested_item_id,
            }
        ],
        "schedule": None,
        "success": True,
    }
