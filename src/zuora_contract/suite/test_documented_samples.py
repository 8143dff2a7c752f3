"""The two documented request samples of KC-EXEC-API, executed against the target.

Values such as IDs and dates are judged by meaning and format, never copied from the samples. The
sample rules judge what is present (types, values, the echo); that every key of the samples is present
is a separate `should` rule, because Zuora's own API-reference example omits the null keys and the
filter's `invoiceScheduleId`/`invoiceScheduleItemId` (spec §1.7).
"""

from __future__ import annotations

import pytest

from zuora_contract.failures import raise_all
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.rules.billruns import (
    TYPES_ONLY,
    check_bill_run_shape,
    check_filter_echo,
    check_retrieved,
    check_success_status,
)
from zuora_contract.rules.checks import check_json_content_type, check_request_id, check_track_id, require_judgeable
from zuora_contract.rules.processing import check_item_executed, keep_failures
from zuora_contract.target import Target, new_track_id

# Recorded with pytest-recording under cassettes/test_documented_samples/ (make record), replayed by make replay.
pytestmark = pytest.mark.vcr


def _judge_sample(provisioner: Provisioner, schedule: Schedule, named: bool, track_id: str | None) -> None:
    """Execute one documented request sample and judge every rule it documents."""
    earliest = schedule.require_pending(1, provisioner.item_count)[0]
    item_id = earliest.id if named else None
    headers = {"Zuora-Track-Id": track_id} if track_id else {}
    response = provisioner.target.execute(
        schedule.id, {"scheduleItemId": earliest.id} if named else {}, headers=headers
    )
    require_judgeable(response, "the documented sample")
    raise_all(check_success_status(response))
    body = response.json()
    failures = check_bill_run_shape(body, TYPES_ONLY)
    failures += check_filter_echo(body, schedule.id, schedule.account_id, item_id)
    failures += check_request_id(response) + check_track_id(response, track_id) + check_json_content_type(response)
    # Named or not, the earliest pending item runs; another item leaving Pending instead is a failure.
    failures = keep_failures(
        failures, lambda: check_item_executed(provisioner, schedule, earliest.id, str(body.get("id")))
    )
    failures += check_retrieved(provisioner.get_bill_run(str(body.get("id"))), body)
    raise_all(failures)


@pytest.mark.rule("samples.with-item")
def test_sample_with_item_executes_the_named_earliest_item(provisioner: Provisioner, schedule: Schedule) -> None:
    """Request sample 1: `{"scheduleItemId": <earliest pending item>}`, with a track id to echo."""
    _judge_sample(provisioner, schedule, named=True, track_id=new_track_id())


@pytest.mark.rule("samples.without-item")
def test_sample_without_item_executes_the_next_pending_item(provisioner: Provisioner, schedule: Schedule) -> None:
    """Request sample 2: `{}` executes the next pending item; a filter that names an item names none."""
    _judge_sample(provisioner, schedule, named=False, track_id=None)


@pytest.mark.rule("samples.every-documented-key")
def test_sample_response_carries_every_key_of_the_samples(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Both samples carry 22 keys (nulls included), 5 per filter, and `YYYY-MM-DD HH:mm:ss` dates."""
    response = target.execute(schedule.id, {})
    require_judgeable(response, "the documented sample")
    raise_all(check_success_status(response))
    raise_all(check_bill_run_shape(response.json()))
