"""The in-memory store: every record, the sequence counters, and the one lock that guards them."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from zuora_mock.config import MockConfig
from zuora_mock.errors import not_found
from zuora_mock.models import Account, BillRun, Schedule

# Two fixed accounts, so a suite can provision schedules without creating customers first.
SEEDED_ACCOUNTS = (
    Account(id="8a90c1d47f07e24b017f0811c06a0b8b", number="A00000001"),
    Account(id="8a90c1d47f07e24b017f0811c06a0b8c", number="A00000002"),
)


class BillRuns(dict[str, BillRun]):
    """Bill runs by id: a dict subclass on purpose, for the garbage collector's sake.

    CPython untracks a plain dict whose values are all untracked (bill runs are tuples of atoms, which
    it untracks) and re-tracks it into the youngest generation at the next insert, so every young
    collection walked every run: 5-30 ms per collection, measured. It never untracks a subclass.
    """


@dataclass
class Store:
    """All state of one mock; callers hold `lock` for any read-modify-write so executions never race."""

    config: MockConfig
    lock: threading.RLock = field(default_factory=threading.RLock)
    accounts: dict[str, Account] = field(default_factory=dict)
    schedules: dict[str, Schedule] = field(default_factory=dict)
    schedule_numbers: dict[str, str] = field(default_factory=dict)
    bill_runs: BillRuns = field(default_factory=BillRuns)
    schedule_count: int = 0
    bill_run_count: int = 0
    # Objects kept (a bill run 1, a schedule 1 plus its items), which max_objects bounds.
    weight: int = 0
    # Finished bill runs and schedules, oldest first: (finished at, id, is a schedule); the eviction queue.
    finished: deque[tuple[float, str, bool]] = field(default_factory=deque)

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
        """Index a new schedule by id and number."""
        self.schedules[schedule.id] = schedule
        self.schedule_numbers[schedule.number] = schedule.id
        self.weight += 1 + len(schedule.items)

    def remove_schedule(self, schedule: Schedule) -> None:
        """Forget a deleted (or evicted) schedule; its ids then answer 40 like any unknown id."""
        del self.schedules[schedule.id]
        del self.schedule_numbers[schedule.number]
        self.weight -= 1 + len(schedule.items)

    def add_bill_run(self, run: BillRun, schedule: Schedule) -> None:
        """Keep a new bill run, and queue it (and its schedule, once fully claimed) for eviction when finished."""
        self.bill_runs[run.id] = run
        self.weight += 1
        finished_at = run.created_at + self.config.processing_delay
        self.finished.append((finished_at, run.id, False))
        if run.item_id is not None and schedule.claimed == len(schedule.items):
            self.finished.append((finished_at, schedule.id, True))  # FullyProcessed once this run completes

    def oldest_finished(self) -> float | None:
        """Return when the oldest evictable bill run or schedule finished, or None if none is queued."""
        return self.finished[0][0] if self.finished else None

    def evict_oldest(self, now: float) -> None:
        """Forget the oldest finished bill run or schedule, if it has finished by now."""
        with self.lock:
            if not self.finished or self.finished[0][0] > now:
                return  # another thread evicted it first, or it is still running
            _, key, is_schedule = self.finished.popleft()
            if not is_schedule:
                if self.bill_runs.pop(key, None) is not None:
                    self.weight -= 1
            elif (schedule := self.schedules.get(key)) is not None:
                self.remove_schedule(schedule)

    def bill_run(self, key: str) -> BillRun:
        """Return the bill run with this id, or raise category 40."""
        found = self.bill_runs.get(key)
        if found is None:
            raise not_found("Bill run", key)
        return found
