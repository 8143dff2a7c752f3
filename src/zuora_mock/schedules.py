"""Invoice schedule rules: creating one from a request, its derived status, pause, resume and delete."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zuora_mock import validation as v
from zuora_mock.errors import ApiError, Category, JsonObject, not_found
from zuora_mock.models import PENDING, PROCESSED, Schedule, ScheduleItem, new_id
from zuora_mock.state import Store

MAX_ITEMS = 50
MAX_ORDERS = 10
MAX_SUBSCRIPTIONS = 300
MAX_ADDITIONAL_SUBSCRIPTIONS = 600
PAUSED, PARTIALLY, FULLY = "Paused", "PartiallyProcessed", "FullyProcessed"


def status(schedule: Schedule) -> str:
    """Derive the schedule status from its items, so resume restores what the items say it was."""
    if schedule.paused:
        return PAUSED
    if schedule.processed == len(schedule.items):
        return FULLY
    if schedule.claimed:
        return PARTIALLY
    return PENDING


def next_pending(schedule: Schedule) -> ScheduleItem | None:
    """Return the earliest Pending item with a run date; items are kept in run-date order, blanks last."""
    if schedule.claimed == len(schedule.items):
        return None
    item = schedule.items[schedule.claimed]
    return item if item.run_date else None


def _item(raw: object, index: int) -> ScheduleItem:
    where = f"scheduleItems[{index}]"
    if not isinstance(raw, dict):
        raise v.invalid(where, "must be an object")
    amount = v.optional_decimal(raw, "amount", f"{where}.amount")
    percentage = v.optional_decimal(raw, "percentage", f"{where}.percentage")
    if amount is None and percentage is None:
        raise ApiError(Category.MISSING_FIELD, f"{where} needs either amount or percentage.")
    if amount is not None and percentage is not None:
        raise v.invalid(where, "must give either amount or percentage, not both")
    if percentage is not None and not Decimal(0) < percentage <= Decimal(100):
        raise v.invalid(f"{where}.percentage", "must be greater than 0 and at most 100")
    return ScheduleItem(
        id=new_id(),
        name=v.optional_string(raw, "name", f"{where}.name", 100),
        run_date=v.optional_date(raw, "runDate", f"{where}.runDate"),
        amount=amount,
        percentage=percentage,
        target_date_for_additional_subscriptions=v.optional_date(
            raw, "targetDateForAdditionalSubscriptions", f"{where}.targetDateForAdditionalSubscriptions"
        ),
        custom_fields=v.custom_fields(raw),
    )


def _check_run_dates(items: list[ScheduleItem]) -> None:
    # Zuora requires chronological run dates and lets blank dates only trail the dated ones.
    previous: date | None = None
    blank_seen = False
    for index, item in enumerate(items):
        if item.run_date is None:
            blank_seen = True
        elif blank_seen:
            raise ApiError(Category.RULE_RESTRICTION, f"scheduleItems[{index}] has a run date after a blank one.")
        elif previous is not None and item.run_date < previous:
            raise ApiError(Category.RULE_RESTRICTION, "scheduleItems must be in chronological order of runDate.")
        else:
            previous = item.run_date


def _items(body: JsonObject) -> list[ScheduleItem]:
    raw = body.get("scheduleItems")
    if raw is None:
        raise v.missing("scheduleItems")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_ITEMS:
        raise v.invalid("scheduleItems", f"must be an array of 1 to {MAX_ITEMS} items")
    items = [_item(entry, index) for index, entry in enumerate(raw)]
    _check_run_dates(items)
    return items


def _specific_subscriptions(body: JsonObject) -> list[object]:
    entries = v.optional_list(body, "specificSubscriptions", "specificSubscriptions", MAX_SUBSCRIPTIONS)
    if not all(isinstance(entry, dict) for entry in entries):
        raise v.invalid("specificSubscriptions", "must be an array of objects")
    return entries


def create(store: Store, body: JsonObject) -> Schedule:
    """Validate a create request and store the new Pending schedule; nothing is stored on any error."""
    account_key = v.required_string(body, "accountKey", "accountKey")
    specific = _specific_subscriptions(body)
    notes = v.optional_string(body, "notes", "notes", 255)
    invoice_separately = bool(v.optional_bool(body, "invoiceSeparately", "invoiceSeparately"))
    orders = v.string_list(body, "orders", "orders", MAX_ORDERS)
    additional = v.string_list(
        body, "additionalSubscriptionsToBill", "additionalSubscriptionsToBill", MAX_ADDITIONAL_SUBSCRIPTIONS
    )
    items = _items(body)
    with store.lock:
        account = store.accounts.get(account_key)
        if account is None:
            raise not_found("Account", account_key)
        schedule = Schedule(
            id=new_id(),
            number=store.next_schedule_number(),
            account_id=account.id,
            items=items,
            notes=notes,
            invoice_separately=invoice_separately,
            orders=orders,
            specific_subscriptions=specific,
            additional_subscriptions_to_bill=additional,
            custom_fields=v.custom_fields(body),
        )
        store.add_schedule(schedule)
        return schedule


def pause(schedule: Schedule) -> None:
    """Pause a schedule; pausing twice is a rule restriction (category 30)."""
    if schedule.paused:
        raise ApiError(Category.RULE_RESTRICTION, f"Invoice schedule {schedule.number} is already paused.")
    schedule.paused = True


def resume(schedule: Schedule) -> None:
    """Resume a paused schedule, which then shows the status its items give it, as before pausing."""
    if not schedule.paused:
        raise ApiError(
            Category.RULE_RESTRICTION, f"Only a paused invoice schedule can be resumed; {schedule.number} is not."
        )
    schedule.paused = False


def delete(store: Store, schedule: Schedule) -> None:
    """Delete a schedule, which Zuora allows only while it is Pending."""
    if status(schedule) != PENDING:
        raise ApiError(
            Category.RULE_RESTRICTION,
            f"Only a Pending invoice schedule can be deleted; {schedule.number} is {status(schedule)}.",
        )
    store.remove_schedule(schedule)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _render_item(item: ScheduleItem) -> JsonObject:
    return {
        "id": item.id,
        "name": item.name,
        "status": item.status,
        "runDate": item.run_date.isoformat() if item.run_date else None,
        "amount": _number(item.amount),
        "actualAmount": _number(item.amount),
        "percentage": _number(item.percentage),
        "targetDateForAdditionalSubscriptions": (
            item.target_date_for_additional_subscriptions.isoformat()
            if item.target_date_for_additional_subscriptions
            else None
        ),
        "invoiceId": item.invoice_id,
        "creditMemoId": None,
        **item.custom_fields,
    }


def render(schedule: Schedule) -> JsonObject:
    """Return the InvoiceScheduleResponses body; percentage items carry no amount, as charges are not modelled."""
    total = sum((item.amount or Decimal(0) for item in schedule.items), Decimal(0))
    billed = sum((item.amount or Decimal(0) for item in schedule.items if item.status == PROCESSED), Decimal(0))
    upcoming = next_pending(schedule)
    return {
        "id": schedule.id,
        "number": schedule.number,
        "accountId": schedule.account_id,
        "status": status(schedule),
        "nextRunDate": upcoming.run_date.isoformat() if upcoming and upcoming.run_date else None,
        "totalAmount": float(total),
        "actualAmount": float(total),
        "billedAmount": float(billed),
        "unbilledAmount": float(total - billed),
        "notes": schedule.notes,
        "invoiceSeparately": schedule.invoice_separately,
        "orders": list(schedule.orders),
        "specificSubscriptions": list(schedule.specific_subscriptions),
        "additionalSubscriptionsToBill": list(schedule.additional_subscriptions_to_bill),
        "scheduleItems": [_render_item(item) for item in schedule.items],
        **schedule.custom_fields,
        "success": True,
    }
