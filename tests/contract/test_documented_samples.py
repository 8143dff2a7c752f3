"""The two documented request samples of KC-EXEC-API, executed against the target.

Values such as IDs and dates are judged by meaning and format, never copied from the samples.
"""

from __future__ import annotations

import pytest

from zuora_contract.billruns import check_bill_run_shape, check_filter_echo, check_retrieved, check_success_status
from zuora_contract.checks import check_json_content_type, check_request_id, check_track_id
from zuora_contract.failures import ContractFailure, raise_all
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.target import Target, new_track_id

SOURCE = "KC-EXEC-API"

# Recorded with pytest-recording under cassettes/test_documented_samples/ (make record), replayed by make replay.
pytestmark = pytest.mark.vcr


def _left_pending(provisioner: Provisioner, schedule: Schedule, item_id: str) -> list[ContractFailure]:
    """REF-HTML/KC-ITEM: the executed item leaves Pending (bounded wait: generation is asynchronous)."""
    after = provisioner.wait_item_left_pending(schedule.id, item_id)
    status = after.item(item_id).status
    if status in {"Executing", "Processed"}:
        return []
    return [ContractFailure("executed item did not leave Pending", repr(status), "Executing or Processed")]


@pytest.mark.rule("samples.with-item", level="must", source=SOURCE)
def test_sample_with_item_executes_the_named_earliest_item(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Request sample 1: `{"scheduleItemId": <earliest pending item>}`."""
    earliest = schedule.pending()[0]
    track_id = new_track_id()
    response = target.execute(schedule.id, {"scheduleItemId": earliest.id}, headers={"Zuora-Track-Id": track_id})
    raise_all(check_success_status(response))
    body = response.json()
    failures = check_bill_run_shape(body)
    failures += check_filter_echo(body, schedule.id, schedule.account_id, earliest.id)
    failures += check_request_id(response) + check_track_id(response, track_id) + check_json_content_type(response)
    failures += _left_pending(provisioner, schedule, earliest.id)
    failures += check_retrieved(provisioner.get_bill_run(str(body["id"])), body)
    raise_all(failures)


@pytest.mark.rule("samples.without-item", level="must", source=SOURCE)
def test_sample_without_item_executes_the_next_pending_item(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Request sample 2: `{}` executes the next pending item and echoes a null item id."""
    earliest, *later = schedule.pending()
    response = target.execute(schedule.id, {})
    raise_all(check_success_status(response))
    body = response.json()
    failures = check_bill_run_shape(body)
    failures += check_filter_echo(body, schedule.id, schedule.account_id, None)
    failures += check_request_id(response) + check_track_id(response, None) + check_json_content_type(response)
    failures += _left_pending(provisioner, schedule, earliest.id)
    still_pending = {item.id for item in provisioner.get_schedule(schedule.id).items if item.status == "Pending"}
    if not {item.id for item in later} <= still_pending:
        failures.append(ContractFailure("a later item was executed instead of the next", "", "only the earliest"))
    failures += check_retrieved(provisioner.get_bill_run(str(body["id"])), body)
    raise_all(failures)
