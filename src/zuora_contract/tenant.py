"""Leave nothing the Zuora Scheduler could bill: delete the run's schedules where Zuora allows, pause the rest.

Zuora deletes only Pending schedules (spec §4.5) and its Scheduler executes due items of any schedule
that is not Paused, so a schedule the run partly executed is paused instead; one a test paused before
any item ran is resumed and deleted. A state is read back with a GET whenever the target refused a
step, so the report says what the tenant shows, not what the suite hoped.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from zuora_contract.failures import TargetError
from zuora_contract.rules.checks import body_of, categories_in, is_refusal
from zuora_contract.target import SCHEDULES_PATH as SCHEDULES
from zuora_contract.target import Target

NOT_FOUND = 404
NOT_FOUND_CATEGORY = "40"


@dataclass(frozen=True)
class Leftover:
    """One schedule the run created and its final state: `deleted`, `paused` or `left <status>`."""

    id: str
    number: str
    state: str

    def as_dict(self) -> dict[str, str]:
        """The report's entry."""
        return asdict(self)


def _status(target: Target, key: str) -> str | None:
    """The schedule's status, or None when the target no longer has it; `Paused*` when paused before any run."""
    response = target.request("GET", f"{SCHEDULES}/{key}", retry="safe")
    body = body_of(response)
    if is_refusal(response):
        if response.status_code == NOT_FOUND or NOT_FOUND_CATEGORY in categories_in(body):
            return None
        raise TargetError(f"retrieving {key} for cleanup was refused (HTTP {response.status_code})")
    if not isinstance(body, dict) or not isinstance(body.get("status"), str):
        raise TargetError(f"retrieving {key} for cleanup gave no status")
    items = body.get("scheduleItems")
    untouched = isinstance(items, list) and all(isinstance(i, dict) and i.get("status") == "Pending" for i in items)
    return f"{body['status']}*" if body["status"] == "Paused" and untouched else str(body["status"])


def _done(target: Target, method: str, path: str) -> bool:
    """True when the target accepted a cleanup step; otherwise the caller reads the state back."""
    return not is_refusal(target.request(method, path, retry="safe"))


def settle(target: Target, key: str) -> str:
    """Delete a schedule whose items all wait (resuming it first if paused), else pause it; return the final state."""
    status: str | None = "unknown"
    try:
        status = _status(target, key)
        if status == "Paused*":  # paused by a test before any item ran: resume, so that Zuora lets it be deleted
            target.request("PUT", f"{SCHEDULES}/{key}/resume", retry="safe")
            status = _status(target, key)
        if status == "Pending":
            status = None if _done(target, "DELETE", f"{SCHEDULES}/{key}") else _status(target, key)
        if status is not None and not status.startswith("Paused"):
            status = "Paused" if _done(target, "PUT", f"{SCHEDULES}/{key}/pause") else _status(target, key)
    except TargetError:
        pass  # reported as left in its last known status
    if status is None:
        return "deleted"
    return "paused" if status.startswith("Paused") else f"left {status}"


@contextmanager
def uninterruptible() -> Iterator[None]:
    """Ignore Ctrl-C while cleaning up (each request is bounded by its timeout and the retry budget)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def interrupt_on_sigterm() -> None:
    """Treat SIGTERM (a cancelled CI job) like Ctrl-C, so the run still cleans the tenant up before it exits."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.default_int_handler)


def leave_nothing_to_bill(target: Target) -> list[Leftover]:
    """Settle every schedule created through the target so far; never raises, so a failed run still cleans up."""
    with uninterruptible():
        schedules, target.created = target.created, {}
        return [Leftover(schedule_id, number, settle(target, schedule_id)) for schedule_id, number in schedules.items()]
