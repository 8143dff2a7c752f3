"""The in-memory store: every record, the sequence counters, and the one lock that guards them."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from zuora_mock.config import MockConfig
from zuora_mock.errors import not_found
from zuora_mock.models import Account, BillRun, Schedule

# Two fixed accounts, so a suite can provision schedules without creating customers first.
SEEDED_ACCOUNTS = (
    Account(id="8a90c1d47f07e24b017f0811c06a0b8b", number="A00000001"),
    Account(id="8a90c1d47f07e24b017f0811c06a0b8c", number="A00000002"),
)


@dataclass
class Store:
    """All state of one mock; callers hold `lock` for any read-modify-write so executions never race."""

    config: MockConfig
    lock: threading.RLock = field(default_factory=threading.RLock)
    accounts: dict[str, Account] = field(default_factory=dict)
    schedules: dict[str, Schedule] = field(default_factory=dict)
    schedule_numbers: dict[str, str] = field(default_factory=dict)
    item_owners: dict[str, str] = field(default_factory=dict)
    bill_runs: dict[str, BillRun] = field(default_factory=dict)
    schedule_count: int = 0
    bill_run_count: int = 0

    def __post_init__(self) -> None:
        for account in SEEDED_ACCOUNTS:
            self.accounts[account.id] = account
            self.accounts[account.number] = account

    @staticmethod
    def now() -> float:
        """Return wall-clock seconds; audit dates are UTC wall-clock times."""
        return time.time()

    def next_schedule_number(self) -> str:
        """Return the next IS- number (8 digits, as every Zuora sample shows)."""
        self.schedule_count += 1
        return f"IS-{self.schedule_count:08d}"

    def next_bill_run_number(self) -> int:
        """Return the next bill run number, shown as BR- and 8 digits, as every Zuora sample shows."""
        self.bill_run_count += 1
        return self.bill_run_count

    def schedule(self, key: str) -> Schedule:
        """Return the schedule whose id or IS- number is key, its items settled to now, or raise category 40."""
        found = self.schedules.get(key) or self.schedules.get(self.schedule_numbers.get(key, ""))
        if found is None:
            raise not_found("Invoice schedule", key)
        found.settle(self.now())
        return found

    def add_schedule(self, schedule: Schedule) -> None:
        """Index a new schedule by id, number and item ids."""
        self.schedules[schedule.id] = schedule
        self.schedule_numbers[schedule.number] = schedule.id
        for item in schedule.items:
            self.item_owners[item.id] = schedule.id

    def remove_schedule(self, schedule: Schedule) -> None:
        """Forget a deleted schedule; its ids then answer 40 like any unknown id."""
        del self.schedules[schedule.id]
        del self.schedule_numbers[schedule.number]
        for item in schedule.items:
            self.item_owners.pop(item.id, None)

    def bill_run(self, key: str) -> BillRun:
        """Return the bill run with this id, or raise category 40."""
        found = self.bill_runs.get(key)
        if found is None:
            raise not_found("Bill run", key)
        return found
