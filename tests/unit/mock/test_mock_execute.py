"""POST /v1/invoice-schedules/{scheduleKey}/execute and GET /v1/bill-runs/{billRunId}."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from mock_support import ITEMS

from zuora_mock.auth import DEMO_USER_ID

BILL_RUN_FIELDS = {
    "id", "autoEmail", "autoPost", "autoRenewal", "billCycleDay", "billRunNumber", "invoiceDate",
    "noEmailForZeroAmountInvoice", "status", "targetDate", "targetDateOffset", "invoiceDateOffset",
    "scheduledExecutionTime", "createdById", "createdDate", "updatedById", "updatedDate", "batches",
    "chargeTypeToExclude", "billRunFilters", "schedule", "success",
}  # fmt: skip
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def _code(response):
    return response.json()["reasons"][0]["code"]


def test_execute_named_item_returns_documented_bill_run(api):
    schedule = api.create()
    item = schedule["scheduleItems"][0]
    response = api.execute(schedule["number"], {"scheduleItemId": item["id"], "unknownField": 1})
    run = response.json()
    assert response.status_code == 200
    assert set(run) == BILL_RUN_FIELDS
    assert re.match(r"^[0-9a-f]{32}$", run["id"]) and re.match(r"^BR-\d{8}$", run["billRunNumber"])
    assert run["status"] == "Pending" and run["success"] is True
    assert run["invoiceDate"] == run["targetDate"] == "2030-01-10"
    assert run["chargeTypeToExclude"] == ["Usage"] and run["batches"] is None and run["schedule"] is None
    assert run["createdById"] == run["updatedById"] == DEMO_USER_ID
    assert TIMESTAMP.match(run["createdDate"]) and TIMESTAMP.match(run["updatedDate"])
    assert run["billRunFilters"] == [
        {
            "filterType": "InvoiceSchedule",
            "accountId": schedule["accountId"],
            "subscriptionId": None,
            "invoiceScheduleId": schedule["id"],
            "invoiceScheduleItemId": item["id"],
        }
    ]
    after = api.get(f"/v1/invoice-schedules/{schedule['id']}")
    assert after["scheduleItems"][0]["status"] in ("Executing", "Processed")
    assert after["nextRunDate"] == "2030-02-10"


def test_execute_empty_body_runs_next_pending_item(api):
    schedule = api.create()
    run = api.execute(schedule["id"], {"scheduleItemId": None}).json()
    assert run["targetDate"] == "2030-01-10"
    assert run["billRunFilters"][0]["invoiceScheduleItemId"] is None


def test_execute_async_progress_reaches_completed_and_processed(api):
    schedule = api.create()
    run = api.execute(schedule["id"]).json()
    done = api.wait_for(f"/v1/bill-runs/{run['id']}", "status", "Completed")
    assert done["status"] == "Completed" and set(done) == BILL_RUN_FIELDS
    assert done["billRunNumber"] == run["billRunNumber"]
    item = api.get(f"/v1/invoice-schedules/{schedule['id']}")["scheduleItems"][0]
    assert item["status"] == "Processed" and re.match(r"^[0-9a-f]{32}$", item["invoiceId"])


def test_execute_status_walk_pending_partially_fully(api):
    schedule = api.create()
    path = f"/v1/invoice-schedules/{schedule['id']}"
    for expected in ("PartiallyProcessed", "PartiallyProcessed", "FullyProcessed"):
        run = api.execute(schedule["id"]).json()
        api.wait_for(f"/v1/bill-runs/{run['id']}", "status", "Completed")
        assert api.get(path)["status"] == expected
    final = api.get(path)
    assert final["nextRunDate"] is None and final["billedAmount"] == 400.0 and final["unbilledAmount"] == 0.0


def test_execute_with_nothing_pending_creates_itemless_run_for_today(api):
    schedule = api.create([{"runDate": "2030-01-01", "amount": 1}])
    api.execute(schedule["id"])
    response = api.execute(schedule["id"])
    run = response.json()
    assert response.status_code == 200
    assert run["targetDate"] == datetime.now(UTC).date().isoformat()
    assert run["billRunFilters"][0]["invoiceScheduleItemId"] is None


def test_execute_paused_schedule_is_category_30_and_changes_nothing(api):
    schedule = api.create()
    api.request("PUT", f"/v1/invoice-schedules/{schedule['id']}/pause")
    response = api.execute(schedule["id"])
    assert response.status_code == 400 and _code(response) == "50000030"
    after = api.get(f"/v1/invoice-schedules/{schedule['id']}")
    assert [item["status"] for item in after["scheduleItems"]] == ["Pending"] * 3


def test_execute_processed_or_not_earliest_item_is_category_30(api):
    schedule = api.create()
    first, second, third = (item["id"] for item in schedule["scheduleItems"])
    not_earliest = api.execute(schedule["id"], {"scheduleItemId": second})
    assert not_earliest.status_code == 400 and _code(not_earliest) == "50000030"
    assert api.execute(schedule["id"], {"scheduleItemId": first}).status_code == 200
    again = api.execute(schedule["id"], {"scheduleItemId": first})
    assert again.status_code == 400 and _code(again) == "50000030"
    items = api.get(f"/v1/invoice-schedules/{schedule['id']}")["scheduleItems"]
    statuses = {item["id"]: item["status"] for item in items}
    assert statuses[second] == statuses[third] == "Pending"


def test_execute_unknown_key_or_item_or_other_schedule_item_is_category_40(api):
    schedule, other = api.create(), api.create()
    foreign = other["scheduleItems"][0]["id"]
    cases = [("IS-99999999", {}), (schedule["id"], {"scheduleItemId": "0" * 32})]
    for key, body in [*cases, (schedule["id"], {"scheduleItemId": foreign})]:
        response = api.execute(key, body)
        assert response.status_code == 404 and _code(response) == "50000040"
    assert api.get(f"/v1/invoice-schedules/{other['id']}")["status"] == "Pending"


@pytest.mark.parametrize("value", [123, True, ["x"], {"id": "x"}, ""])
def test_execute_wrongly_typed_item_id_is_category_20(api, value):
    schedule = api.create()
    response = api.execute(schedule["id"], {"scheduleItemId": value})
    assert response.status_code == 400 and _code(response) == "50000020"


def test_execute_blank_run_date_item_is_never_picked(api):
    schedule = api.create([{"runDate": "2030-01-01", "amount": 1}, {"amount": 2}])
    api.execute(schedule["id"])
    blank = schedule["scheduleItems"][1]["id"]
    named = api.execute(schedule["id"], {"scheduleItemId": blank})
    assert named.status_code == 400 and _code(named) == "50000030"
    itemless = api.execute(schedule["id"]).json()
    assert itemless["targetDate"] == datetime.now(UTC).date().isoformat()


def test_bill_run_unknown_id_is_404(api):
    response = api.request("GET", "/v1/bill-runs/" + "f" * 32)
    assert response.status_code == 404 and _code(response) == "50000040"


def test_bill_run_numbers_are_sequential(api):
    schedule = api.create(ITEMS)
    first, second = api.execute(schedule["id"]).json(), api.execute(schedule["id"]).json()
    assert int(second["billRunNumber"][3:]) == int(first["billRunNumber"][3:]) + 1
