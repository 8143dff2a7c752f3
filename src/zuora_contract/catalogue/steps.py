"""Steps the multi-step rules share: execute and require a judgeable success, wait for it to take effect."""

from __future__ import annotations

from typing import Any

import httpx

from zuora_contract.failures import TargetError, raise_all
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.rules.billruns import check_success_status
from zuora_contract.rules.checks import require_judgeable
from zuora_contract.rules.processing import check_item_executed
from zuora_contract.target import Target

# Answers that say the target is busy or unavailable, whatever the request: never a verdict.
TRANSIENT = frozenset({429, 502, 503, 504})


def execute_ok(target: Target, key: str, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Execute and return the bill run; a lock, rate limit or gateway answer is `error`, a refusal a failure."""
    response = target.execute(key, body, **kwargs)
    require_judgeable(response)
    raise_all(check_success_status(response))
    payload: dict[str, Any] = response.json()
    return payload


def require_not_transient(response: httpx.Response) -> None:
    """Where a refusal is an accepted answer, only a busy or unavailable target cannot be judged."""
    if response.status_code in TRANSIENT:
        raise TargetError(f"the target answered HTTP {response.status_code} (busy or unavailable); could not judge")


def executed(provisioner: Provisioner, before: Schedule, item_id: str, bill_run: dict[str, Any]) -> None:
    """The item left Pending, judged on evidence (a slow tenant is `error`, not a failure)."""
    raise_all(check_item_executed(provisioner, before, item_id, str(bill_run.get("id"))))


def processed(provisioner: Provisioner, before: Schedule, item_id: str, bill_run: dict[str, Any]) -> Schedule:
    """The schedule once the item is Processed (KC-STATUS counts processed items, not executing ones)."""
    after = provisioner.wait_item_processed(before.id, item_id)
    status = after.item(item_id).status
    if status == "Pending":
        executed(provisioner, before, item_id, bill_run)
    if status != "Processed":
        wait = provisioner.target.settings.wait_seconds
        raise TargetError(
            f"item {item_id} still {status} after {wait:g}s, so the schedule status cannot be judged yet; "
            "raise ZUORA_WAIT_SECONDS for a slow tenant"
        )
    return after


def statuses(provisioner: Provisioner, schedule: Schedule) -> dict[str, str]:
    """Item statuses as the target reports them now."""
    return {item.id: item.status for item in provisioner.get_schedule(schedule.id).items}
