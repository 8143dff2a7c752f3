"""The records the mock keeps: accounts, invoice schedules with their items, and bill runs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from zuora_mock.errors import JsonObject

# Item statuses Zuora documents, in the order an item moves through them.
PENDING, EXECUTING, PROCESSED = "Pending", "Executing", "Processed"


def new_id() -> str:
    """Return a Zuora-style object id: 32 lower-case hex digits."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Account:
    """A seeded customer account; its key in requests is either the number or the id."""

    id: str
    number: str


@dataclass(slots=True)
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
    # When the bill run billing this item completes; the item reads Processed from then on.
    due_at: float | None = None


@dataclass(slots=True)
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
    # Items are claimed strictly in list order (only the earliest pending one can run), so two counters
    # say where the Processed, Executing and Pending stretches of the list start.
    claimed: int = 0
    processed: int = 0

    def claim(self, item: ScheduleItem, due_at: float) -> None:
        """Mark the next pending item Executing until its bill run completes at due_at."""
        item.status, item.due_at = EXECUTING, due_at
        self.claimed += 1

    def settle(self, now: float) -> None:
        """Mark the items whose bill run has completed by now as Processed; called whenever it is read."""
        while self.processed < self.claimed:
            item = self.items[self.processed]
            if item.due_at is None or item.due_at > now:
                return
            item.status, item.invoice_id = PROCESSED, new_id()
            self.processed += 1


class BillRun(NamedTuple):
    """An ad hoc bill run created by execute; immutable, as its status follows from its age alone.

    Being a tuple of atoms, it is untracked by the garbage collector, so a million of them cost no GC pauses.
    """

    id: str
    number: int  # shown as BR-00000001
    account_id: str
    schedule_id: str
    requested_item_id: str | None  # what the caller named, echoed in billRunFilters
    item_id: str | None  # what the run actually bills; None for the credit-memo style run
    target_date: date
    created_by: str
    created_at: float
