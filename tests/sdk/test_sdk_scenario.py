"""A zuora-sdk user's whole journey on the reference mock, under the SDK's default and a legacy Zuora-Version.

Each step asserts what such a user relies on (model fields, statuses, errors), not only that nothing raised.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sdk_support import (
    ACCOUNT,
    AMOUNTS,
    HEX32,
    LEGACY_VERSION,
    REASON_CODE,
    RUN_DATES,
    SDK_DEFAULT_VERSION,
    Recorder,
    decimal_of,
    wait_until,
)
from zuora_sdk.api.bill_run_api import BillRunApi
from zuora_sdk.api.invoice_schedules_api import InvoiceSchedulesApi
from zuora_sdk.exceptions import ApiException, BadRequestException, NotFoundException
from zuora_sdk.models import (
    BillRunResponse,
    CreateInvoiceScheduleItem,
    CreateInvoiceScheduleRequest,
    ExecuteInvoiceScheduleRequest,
)

pytestmark = pytest.mark.sdk
VERSIONS = [pytest.param(SDK_DEFAULT_VERSION, id="sdk-default"), pytest.param(LEGACY_VERSION, id="legacy")]


def _create(schedules: InvoiceSchedulesApi) -> Any:
    items = [
        CreateInvoiceScheduleItem(run_date=run_date, amount=amount, name=f"item {n}")
        for n, (run_date, amount) in enumerate(zip(RUN_DATES, AMOUNTS, strict=True), 1)
    ]
    created = schedules.create_invoice_schedule(
        CreateInvoiceScheduleRequest(account_key=ACCOUNT, orders=[], schedule_items=items)
    )
    assert created.success is True and HEX32.match(created.id) and re.fullmatch(r"IS-\d+", created.number)
    assert created.status == "Pending" and HEX32.match(created.account_id)
    assert [item.name for item in created.schedule_items] == ["item 1", "item 2", "item 3"]
    assert [item.status for item in created.schedule_items] == ["Pending"] * 3
    assert all(HEX32.match(item.id) for item in created.schedule_items)
    assert [decimal_of(item.amount) for item in created.schedule_items] == list(AMOUNTS)
    assert decimal_of(created.total_amount) == sum(AMOUNTS) == decimal_of(created.unbilled_amount)
    assert str(created.next_run_date) == RUN_DATES[0].isoformat()
    return created


def _retrieve(schedules: InvoiceSchedulesApi, created: Any) -> None:
    got = schedules.get_invoice_schedule(created.number)
    assert got.id == created.id and got.number == created.number and got.status == "Pending"
    assert [item.id for item in got.schedule_items] == [item.id for item in created.schedule_items]
    assert [str(item.run_date) for item in got.schedule_items] == [day.isoformat() for day in RUN_DATES]


def _assert_bill_run(run: Any, created: Any, item_id: str | None, target: str) -> None:
    # The 201 trap: zuora-sdk turns any status but 200 into None without an exception.
    assert isinstance(run, BillRunResponse), f"execute returned {run!r}"
    assert run.success is True and HEX32.match(run.id) and re.fullmatch(r"BR-\d+", run.bill_run_number)
    assert run.status in {"Pending", "Processing", "Completed"} and str(run.target_date) == target
    [entry] = run.bill_run_filters
    assert entry.filter_type == "InvoiceSchedule" and entry.invoice_schedule_id == created.id
    assert entry.account_id == created.account_id and entry.invoice_schedule_item_id == item_id


def _execute_both_samples(schedules: InvoiceSchedulesApi, created: Any) -> tuple[Any, Any]:
    first_item = created.schedule_items[0].id
    named = schedules.execute_invoice_schedule(created.id, ExecuteInvoiceScheduleRequest(schedule_item_id=first_item))
    _assert_bill_run(named, created, first_item, RUN_DATES[0].isoformat())
    following = schedules.execute_invoice_schedule(created.number, ExecuteInvoiceScheduleRequest())
    _assert_bill_run(following, created, None, RUN_DATES[1].isoformat())
    assert following.id != named.id and following.bill_run_number != named.bill_run_number
    return named, following


def _retrieve_bill_run(bill_runs: BillRunApi, schedules: InvoiceSchedulesApi, run: Any, created: Any) -> None:
    got = bill_runs.get_bill_run(run.id)
    assert got.id == run.id and got.bill_run_number == run.bill_run_number
    done = wait_until(lambda: bill_runs.get_bill_run(run.id), lambda bill_run: bill_run.status == "Completed")
    assert done.status == "Completed"
    item = schedules.get_invoice_schedule(created.id).schedule_items[0]
    assert item.status == "Processed" and item.invoice_id, f"{item.status} {item.invoice_id!r}"


def _assert_paused_refusal(schedules: InvoiceSchedulesApi, created: Any, version: str) -> None:
    """Modern versions raise BadRequestException; legacy ones return a model with success False."""
    if version == SDK_DEFAULT_VERSION:
        with pytest.raises(BadRequestException) as raised:
            schedules.execute_invoice_schedule(created.id, ExecuteInvoiceScheduleRequest())
        assert raised.value.status == 400
        refusal = raised.value.data
    else:
        refusal = schedules.execute_invoice_schedule(created.id, ExecuteInvoiceScheduleRequest())
        assert refusal.id is None and refusal.bill_run_number is None
    assert refusal.success is False and refusal.reasons, repr(refusal)
    assert REASON_CODE.match(str(refusal.reasons[0].code)) and refusal.reasons[0].message


def _pause_refuse_resume(schedules: InvoiceSchedulesApi, created: Any, version: str) -> None:
    assert schedules.pause_invoice_schedule(created.id).status == "Paused"
    _assert_paused_refusal(schedules, created, version)
    paused = schedules.get_invoice_schedule(created.id)
    assert paused.status == "Paused" and paused.schedule_items[2].status == "Pending"
    assert schedules.resume_invoice_schedule(created.id).status == "PartiallyProcessed"
    last = schedules.execute_invoice_schedule(created.id, ExecuteInvoiceScheduleRequest())
    _assert_bill_run(last, created, None, RUN_DATES[2].isoformat())
    final = wait_until(lambda: schedules.get_invoice_schedule(created.id), lambda s: s.status == "FullyProcessed")
    assert final.status == "FullyProcessed" and [item.status for item in final.schedule_items] == ["Processed"] * 3
    assert decimal_of(final.billed_amount) == sum(AMOUNTS) and decimal_of(final.unbilled_amount) == 0


@pytest.mark.parametrize("version", VERSIONS)
def test_sdk_scenario_creates_executes_pauses_and_resumes(sdk_client: Any, version: str, wire: Recorder) -> None:
    """Create, retrieve, both documented samples, the bill run, then pause → refused → resume → executed."""
    schedules, bill_runs = InvoiceSchedulesApi(sdk_client.api_client), BillRunApi(sdk_client.api_client)
    created = _create(schedules)
    _retrieve(schedules, created)
    named, _ = _execute_both_samples(schedules, created)
    _retrieve_bill_run(bill_runs, schedules, named, created)
    _pause_refuse_resume(schedules, created, version)
    sent = {seen.headers.get("zuora-version") for seen in wire.exchanges if seen.path.startswith("/v1/")}
    assert sent == {version}


@pytest.mark.parametrize("version", VERSIONS)
def test_sdk_unknown_schedule_is_reported_as_not_found(sdk_client: Any, version: str) -> None:
    """An unknown key is a 404 exception under the default version, and a success-false model before it."""
    schedules = InvoiceSchedulesApi(sdk_client.api_client)
    if version == SDK_DEFAULT_VERSION:
        with pytest.raises(NotFoundException) as raised:
            schedules.execute_invoice_schedule("IS-99999999", ExecuteInvoiceScheduleRequest())
        # The SDK declares no model for 404, so its user reads the envelope from the exception's body.
        assert raised.value.status == 404 and raised.value.data is None
        envelope = json.loads(raised.value.body)
        success, code = envelope["success"], envelope["reasons"][0]["code"]
    else:
        refusal = schedules.execute_invoice_schedule("IS-99999999", ExecuteInvoiceScheduleRequest())
        success, code = refusal.success, refusal.reasons[0].code
    assert success is False and REASON_CODE.match(str(code)) and str(code).endswith("40"), (success, code)


def test_sdk_missing_token_raises_unauthorized(sdk_client: Any) -> None:
    """Without its bearer token the SDK gets the 401 it maps to an exception, under every version."""
    sdk_client.api_client.default_headers.pop("Authorization")
    with pytest.raises(ApiException) as raised:
        InvoiceSchedulesApi(sdk_client.api_client).get_invoice_schedule("IS-00000001")
    assert raised.value.status == 401
