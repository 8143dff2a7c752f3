"""The records the mock keeps: accounts, invoice schedules with their items, and bill runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zuora_mock.errors import JsonObject

# Item statuses Zuora documents, in the order an item moves through them.
PENDING, EXECUTING, PROCESSED = "Pending", "Executing", "Processed"


@dataclass(frozen=True)
class Account:
    """A seeded customer account; its key in requests is either the number or the id."""

    id: str
    number: str


@dataclass
class ScheduleItem:
    """One invoice schedule item: what to bill, when, and how far it got."""

    id: str
    name: str | None
    run_date: date | None  # None is a blank run date: the item waits until it gets one
    amount: Decimal | None
    percentage: Decimal | None
    target_date_for_additional_subscriptions: date | None
    custom_fields: JsonObject = field(default_factory=dict)
    status: str = PENDING
    invoice_id: str | None = None


@dataclass
class Schedule:
    """An invoice schedule; its status is derived from its items unless it is paused."""

    id: str
    number: str
    account_id: str
    items: list[ScheduleItem]
    notes: str | None = None
    invoice_separately: bool = False
    orders: list[str] = field(default_factory=list)
    specific_subscriptions: list[object] = field(default_factory=list)
    additional_subscriptions_to_bill: list[str] = field(default_factory=list)
    custom_fields: JsonObject = field(default_factory=dict)
    paused: bool = False


@dataclass
class BillRun:
    """An ad hoc bill run created by execute; it settles to Completed processing_delay seconds later."""

    id: str
    number: str
    account_id: str
    schedule_id: str
    requested_item_id: str | None  # what the caller named, echoed in billRunFilters
    item_id: str | None  # what the run actually bills; None for the credit-memo style run
    target_date: date
    created_by: str
    created_at: float
    updated_at: float
    status: str = "Pending"
