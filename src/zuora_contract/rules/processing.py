"""Whether an execution took effect, judged on evidence, since Zuora documents no processing time."""

from __future__ import annotations

from collections.abc import Callable

from zuora_contract.failures import ContractFailure, TargetError
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.rules.checks import Failures, body_of

# KC-BR-STATUS: a bill run in one of these has finished generating its documents.
FINISHED_BILL_RUN = frozenset({"Completed", "Posted"})


# KC-BR-STATUS: a bill run in one of these will not go on to generate documents.
ENDED_BILL_RUN = FINISHED_BILL_RUN | {"Error", "Canceled"}


def bill_run_status(provisioner: Provisioner, bill_run_id: str | None) -> str | None:
    """The bill run's status once it has ended, or its last status when the bounded wait runs out."""
    if not bill_run_id:
        return None

    def probe() -> str | None:
        body = body_of(provisioner.target.request("GET", f"/v1/bill-runs/{bill_run_id}"))
        status = body.get("status") if isinstance(body, dict) else None
        return status if isinstance(status, str) else None

    # Its own kind of wait: a target whose bill runs never end costs one wait, not one per case.
    return provisioner.bounded_wait("a bill run to end", probe, lambda status: status in ENDED_BILL_RUN)


def check_item_executed(
    provisioner: Provisioner, before: Schedule, item_id: str, bill_run_id: str | None = None
) -> Failures:
    """REF-HTML/KC-ITEM: the executed item leaves Pending; a slow tenant is `error`, contrary evidence a failure."""
    after = provisioner.wait_item_left_pending(before.id, item_id)
    pending_before = {item.id for item in before.items if item.status == "Pending"}
    moved = sorted(
        item.id for item in after.items if item.id in pending_before - {item_id} and item.status != "Pending"
    )
    if after.item(item_id).status != "Pending":
        if moved:
            # REF-HTML: one execution runs one item, the named or the next pending one.
            return [ContractFailure("one execution ran more than one item", repr([item_id, *moved]), repr(item_id))]
        return []
    if moved:
        return [ContractFailure(f"another item was executed instead of {item_id}", repr(moved), f"{item_id} executed")]
    status = bill_run_status(provisioner, bill_run_id)
    if status in FINISHED_BILL_RUN:
        return [
            ContractFailure(
                "the bill run finished but the executed item is still Pending",
                f"bill run {bill_run_id} {status}; item {item_id} Pending",
                "the item Executing or Processed (KC-ITEM)",
            )
        ]
    wait = provisioner.target.settings.wait_seconds
    reason = provisioner.stalled.get("bill-run processing", f"waited {wait:g}s")
    raise TargetError(
        f"item {item_id} is still Pending ({reason}) and nothing contradicts Zuora yet (bill run status "
        f"{status or 'unknown'}); Zuora documents no processing time: raise ZUORA_WAIT_SECONDS for a slow tenant"
    )


def keep_failures(failures: Failures, more: Callable[[], Failures]) -> Failures:
    """Add what `more` finds; when it cannot judge (a slow tenant), the failures found so far still stand."""
    try:
        return failures + more()
    except TargetError:
        if failures:
            return failures
        raise
