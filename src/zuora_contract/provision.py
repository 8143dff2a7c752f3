"""Make and inspect test data only through Zuora's documented invoice-schedule operations."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from zuora_contract.failures import TargetError
from zuora_contract.rules.checks import body_of, is_refusal
from zuora_contract.target import Target
from zuora_contract.tenant import Leftover, leave_nothing_to_bill

SCHEDULES = "/v1/invoice-schedules"
T = TypeVar("T")


@dataclass(frozen=True)
class Item:
    """One schedule item as the target reported it."""

    id: str
    run_date: str | None
    status: str


@dataclass(frozen=True)
class Schedule:
    """An invoice schedule as the target reported it; `account_id` is the ID, not the account key."""

    id: str
    number: str
    account_id: str | None
    status: str
    items: tuple[Item, ...]

    def pending(self) -> list[Item]:
        """Pending items in run-date order, the order in which execution walks them."""
        dated = [item for item in self.items if item.status == "Pending" and item.run_date]
        return sorted(dated, key=lambda item: item.run_date or "")

    def item(self, item_id: str) -> Item:
        """The item with this ID; a schedule that lost it cannot be judged further."""
        for item in self.items:
            if item.id == item_id:
                return item
        listed = [item.id for item in self.items]
        raise TargetError(f"schedule {self.id} no longer lists item {item_id} (it lists {listed})")

    def require_pending(self, count: int, sent: int) -> list[Item]:
        """The pending items, when there are at least `count`; else say what the create response held."""
        pending = self.pending()
        if len(pending) < count:
            raise TargetError(
                f"the invoice schedule {self.id} has {len(pending)} dated Pending item(s) of {len(self.items)} "
                f"listed; the suite created it with {sent} and needs {count} Pending to set up this case "
                "(DEV-IS-OPS: create returns the schedule it made, with its items Pending)"
            )
        return pending


def parse_schedule(body: Any) -> Schedule:
    """Read the fields the suite relies on from an InvoiceSchedule body (`accountId` is optional in Zuora's schema)."""
    try:
        items = tuple(
            Item(str(entry["id"]), entry.get("runDate"), str(entry.get("status"))) for entry in body["scheduleItems"]
        )
        account = body.get("accountId")
        return Schedule(
            str(body["id"]),
            str(body.get("number")),
            account if isinstance(account, str) else None,
            str(body["status"]),
            items,
        )
    except (KeyError, TypeError) as error:
        raise TargetError(
            f"the invoice schedule response lacks {error}, which the suite needs to go on: {str(body)[:200]}"
        ) from None


def wait_for(
    probe: Callable[[], T],
    done: Callable[[T], bool],
    timeout: float = 15.0,
    interval: float = 0.1,
    pause: Callable[[float], None] = time.sleep,
) -> T:
    """Poll until `done`, within a bounded time, since billing documents are generated asynchronously."""
    deadline = time.monotonic() + timeout
    value = probe()
    while not done(value) and time.monotonic() < deadline:
        pause(interval)
        interval = min(interval * 1.5, 2.0)
        value = probe()
    return value


class Provisioner:
    """Creates schedules for the run and, afterwards, leaves none of them executable by the Zuora Scheduler."""

    def __init__(self, target: Target, item_count: int = 3) -> None:
        self.target = target
        self.item_count = item_count
        # What an expired wait taught: later waits of that kind probe once instead of waiting again,
        # so a target that never processes costs one wait per run, not one per case.
        self.stalled: dict[str, str] = {}
        # How long processing took when it was seen, and schedules a refusal must have left alone.
        self.processing_seconds: list[float] = []
        self.refused: list[Schedule] = []

    def track(self, schedule: Schedule) -> None:
        """Remember a schedule the run created; the target registers every create it carries anyway."""
        self.target.created[schedule.id] = schedule.number

    def _pause(self, seconds: float) -> None:
        """Sleep between polls, except in a replay, which answers from cassettes at once."""
        if not self.target.replaying:
            time.sleep(seconds)

    def _checked(self, response: httpx.Response, what: str) -> Any:
        body = body_of(response)
        if is_refusal(response) or response.status_code != 200 or not isinstance(body, dict):
            request = response.request
            sent = request.content.decode("utf-8", "replace")[:150] if request.content else "no body"
            raise TargetError(
                f"{what} was refused: {request.method} {request.url.path} sent {sent}; "
                f"got HTTP {response.status_code}: {str(body)[:300]}"
            )
        return body

    def create_schedule(self, items: int | None = None, first_run_in_days: int = 10) -> Schedule:
        """Create a schedule with chronological pending items on the configured account."""
        body = self.schedule_body(items, first_run_in_days)
        # `auto`: a create is re-sent only after an answer that says it was not processed (429, 503).
        response = self.target.request("POST", SCHEDULES, json_body=body)
        schedule = parse_schedule(self._checked(response, "creating an invoice schedule"))
        self.track(schedule)
        return schedule

    def schedule_body(self, items: int | None = None, first_run_in_days: int = 10) -> dict[str, Any]:
        """The create request the suite sends, shared with the fuzzer's stateful runs."""
        today = datetime.date.today()
        count = items or self.item_count
        body: dict[str, Any] = {
            "accountKey": self.target.settings.account_key,
            "notes": "created by zuora-execute-contract",
            "scheduleItems": [
                {
                    "name": f"contract item {index + 1}",
                    "runDate": (today + datetime.timedelta(days=first_run_in_days + 30 * index)).isoformat(),
                    "amount": 100 * (index + 1),
                }
                for index in range(count)
            ],
        }
        if self.target.settings.order_numbers:
            body["orders"] = list(self.target.settings.order_numbers)
        return body

    def get_schedule(self, key: str) -> Schedule:
        """Retrieve a schedule by ID or number."""
        return parse_schedule(
            self._checked(self.target.request("GET", f"{SCHEDULES}/{key}", retry="safe"), "retrieving a schedule")
        )

    def _step(self, key: str, action: str, reached: Callable[[Schedule], bool]) -> Schedule:
        """PUT pause or resume; a refusal after a retry is fine when the schedule already shows the result."""
        retries = self.target.retries.retries
        response = self.target.request("PUT", f"{SCHEDULES}/{key}/{action}", retry="safe")
        if is_refusal(response) and self.target.retries.retries > retries:
            # The first attempt may have been applied before its answer was lost (a 502/504, a timeout).
            current = self.get_schedule(key)
            if reached(current):
                return current
        return parse_schedule(self._checked(response, f"{action.rstrip('e')}ing"))

    def pause(self, key: str) -> Schedule:
        """Pause a schedule, so execution must be refused."""
        return self._step(key, "pause", lambda schedule: schedule.status == "Paused")

    def resume(self, key: str) -> Schedule:
        """Resume a paused schedule."""
        return self._step(key, "resume", lambda schedule: schedule.status != "Paused")

    def bounded_wait(self, kind: str, probe: Callable[[], T], done: Callable[[T], bool]) -> T:
        """Wait within ZUORA_WAIT_SECONDS, or probe once when an earlier wait of this kind ran out."""
        wait = limit = self.target.settings.wait_seconds
        if kind in self.stalled:
            # After one expired wait, wait only as long as processing was seen to take (3x), else not at all.
            seen = self.processing_seconds
            limit = min(wait, 3 * max(seen)) if seen else 0.0
        started = time.monotonic()
        value = wait_for(probe, done, limit, pause=self._pause)
        if not done(value):
            self.stalled.setdefault(kind, f"an earlier wait of {wait:g}s for {kind} ran out")
        elif kind == "bill-run processing":
            self.processing_seconds.append(time.monotonic() - started)
        return value

    def get_bill_run(self, bill_run_id: str) -> httpx.Response:
        """Retrieve a bill run by the ID execute returned, allowing a bounded wait for it to become visible."""
        return self.bounded_wait(
            "a new bill run to become retrievable",
            lambda: self.target.request("GET", f"/v1/bill-runs/{bill_run_id}", retry="safe"),
            lambda response: response.status_code == 200 and not is_refusal(response),
        )

    def wait_schedule(self, schedule_id: str, done: Callable[[Schedule], bool]) -> Schedule:
        """Poll a schedule for asynchronous progress; a replay answers from cassettes, so it need not sleep."""
        return self.bounded_wait("bill-run processing", lambda: self.get_schedule(schedule_id), done)

    def wait_item_processed(self, schedule_id: str, item_id: str) -> Schedule:
        """Wait until the item is Processed (KC-ITEM: Executing turns Processed asynchronously)."""
        return self.wait_schedule(schedule_id, lambda s: s.item(item_id).status == "Processed")

    def wait_item_left_pending(self, schedule_id: str, item_id: str) -> Schedule:
        """Wait until the item is no longer Pending (Executing or Processed), within a bounded time."""
        return self.wait_schedule(schedule_id, lambda s: s.item(item_id).status != "Pending")

    def cleanup(self) -> list[Leftover]:
        """Delete the run's Pending schedules, pause the rest, and say what was left; never fails the run."""
        return leave_nothing_to_bill(self.target)
