"""Executing a schedule: choosing and claiming the item, creating the bill run, and letting it settle."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from zuora_mock.errors import ApiError, Category, JsonObject, not_found
from zuora_mock.models import EXECUTING, PENDING, PROCESSED, BillRun, Schedule, ScheduleItem
from zuora_mock.schedules import next_pending
from zuora_mock.state import Store, new_id

PROCESSING, COMPLETED = "Processing", "Completed"


def _timestamp(moment: float) -> str:
    # Zuora's samples use "YYYY-MM-DD HH:MM:SS" without a zone; the mock reports UTC.
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(moment))


def settle(store: Store) -> None:
    """Move bill runs along by elapsed time (Processing at half the delay, Completed at the full delay)."""
    delay = store.config.processing_delay
    now = store.now()
    with store.lock:
        for run_id in list(store.unsettled):
            run = store.bill_runs[run_id]
            elapsed = now - run.created_at
            if elapsed >= delay:
                _complete(store, run, run.created_at + delay)
            elif elapsed >= delay / 2 and run.status == PENDING:
                run.status, run.updated_at = PROCESSING, run.created_at + delay / 2


def _complete(store: Store, run: BillRun, moment: float) -> None:
    # The item gets its invoice when the run completes; a deleted schedule cannot have a running item.
    run.status, run.updated_at = COMPLETED, moment
    store.unsettled.discard(run.id)
    schedule = store.schedules.get(run.schedule_id)
    item = next((i for i in schedule.items if i.id == run.item_id), None) if schedule else None
    if item is not None:
        item.status, item.invoice_id = PROCESSED, new_id()


def _named_item(schedule: Schedule, item_id: str) -> ScheduleItem:
    # An item of another schedule is reported as not found, as if it did not exist in this one.
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
    settle(store)
    with store.lock:
        schedule = store.schedule(schedule_key)
        if schedule.paused:
            raise ApiError(
                Category.RULE_RESTRICTION, f"Invoice schedule {schedule.number} is paused and cannot be executed."
            )
        item = _named_item(schedule, item_id) if item_id is not None else next_pending(schedule)
        now = store.now()
        if item is not None:
            item.status = EXECUTING
        run = BillRun(
            id=new_id(),
            number=store.next_bill_run_number(),
            account_id=schedule.account_id,
            schedule_id=schedule.id,
            requested_item_id=item_id,
            item_id=item.id if item else None,
            # With nothing left to bill, the run targets today (the documented credit-memo case).
            target_date=item.run_date if item and item.run_date else datetime.now(UTC).date(),
            created_by=user_id,
            created_at=now,
            updated_at=now,
        )
        store.bill_runs[run.id] = run
        store.unsettled.add(run.id)
        return run


def render(run: BillRun) -> JsonObject:
    """Return the bill run with exactly the fields of Zuora's documented execute samples."""
    return {
        "id": run.id,
        "autoEmail": False,
        "autoPost": False,
        "autoRenewal": False,
        "billCycleDay": None,
        "billRunNumber": run.number,
        "invoiceDate": run.target_date.isoformat(),
        "noEmailForZeroAmountInvoice": False,
        "status": run.status,
        "targetDate": run.target_date.isoformat(),
        "targetDateOffset": None,
        "invoiceDateOffset": None,
        "scheduledExecutionTime": None,
        "createdById": run.created_by,
        "createdDate": _timestamp(run.created_at),
        "updatedById": run.created_by,
        "updatedDate": _timestamp(run.updated_at),
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
