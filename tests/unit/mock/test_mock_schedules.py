"""Invoice schedule create, retrieve, pause, resume and delete."""

from __future__ import annotations

import re

import pytest
from mock_support import ITEMS

from zuora_mock.state import SEEDED_ACCOUNTS

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def test_schedule_create_returns_pending_schedule_with_account_id(api):
    body = api.create()
    assert HEX32.match(body["id"]) and re.match(r"^IS-\d{8}$", body["number"])
    assert body["accountId"] == SEEDED_ACCOUNTS[0].id
    assert body["status"] == "Pending" and body["success"] is True
    assert body["nextRunDate"] == "2030-01-10"
    assert body["totalAmount"] == 400.0 and body["unbilledAmount"] == 400.0 and body["billedAmount"] == 0.0
    assert [item["status"] for item in body["scheduleItems"]] == ["Pending"] * 3
    assert all(HEX32.match(item["id"]) and item["percentage"] is None for item in body["scheduleItems"])


def test_schedule_create_accepts_amounts_as_strings_and_account_id_key(api):
    items = [{"runDate": "2030-01-01", "amount": "100.00"}, {"runDate": None, "amount": "0.5"}]
    body = api.create(items, account=SEEDED_ACCOUNTS[1].id)
    assert [item["amount"] for item in body["scheduleItems"]] == [100.0, 0.5]
    assert body["scheduleItems"][1]["runDate"] is None
    assert body["accountId"] == SEEDED_ACCOUNTS[1].id


def test_schedule_numbers_are_sequential(api):
    first, second = api.create(), api.create()
    assert int(second["number"][3:]) == int(first["number"][3:]) + 1


def test_schedule_get_by_id_and_by_number(api):
    created = api.create()
    by_id = api.get(f"/v1/invoice-schedules/{created['id']}")
    by_number = api.get(f"/v1/invoice-schedules/{created['number']}")
    assert by_id == by_number == created


def test_schedule_unknown_key_is_404(api):
    response = api.request("GET", "/v1/invoice-schedules/IS-99999999")
    assert response.status_code == 404
    assert response.json()["reasons"][0]["code"].endswith("40")


def test_schedule_unknown_account_is_category_40(api):
    response = api.request("POST", "/v1/invoice-schedules", json={"accountKey": "A404", "scheduleItems": ITEMS})
    assert response.status_code == 404
    assert response.json()["reasons"][0]["code"] == "50000040"


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ({"scheduleItems": ITEMS}, "22"),
        ({"accountKey": "A00000001"}, "22"),
        ({"accountKey": "A00000001", "scheduleItems": []}, "20"),
        ({"accountKey": "A00000001", "scheduleItems": [{"runDate": "2030-01-01"}]}, "22"),
        ({"accountKey": "A00000001", "scheduleItems": [{"amount": 1, "percentage": 10}]}, "20"),
        ({"accountKey": "A00000001", "scheduleItems": [{"percentage": 101}]}, "20"),
        ({"accountKey": "A00000001", "scheduleItems": [{"amount": "ten"}]}, "20"),
        ({"accountKey": "A00000001", "scheduleItems": [{"amount": True}]}, "20"),
        ({"accountKey": "A00000001", "scheduleItems": [{"amount": 1, "runDate": "2030-02-30"}]}, "20"),
        ({"accountKey": "A00000001", "scheduleItems": [{"amount": 1, "name": "x" * 101}]}, "20"),
        ({"accountKey": "A00000001", "scheduleItems": [{"amount": 1}] * 51}, "20"),
        ({"accountKey": "A00000001", "scheduleItems": [{"amount": 1}], "notes": "n" * 256}, "20"),
        ({"accountKey": "A00000001", "scheduleItems": [{"amount": 1}], "orders": ["O"] * 11}, "20"),
        ({"accountKey": "A00000001", "scheduleItems": [{"amount": 1, "runDate": "2030-02-01"}, ITEMS[0]]}, "30"),
        ({"accountKey": "A00000001", "scheduleItems": [{"amount": 1}, ITEMS[0]]}, "30"),
    ],
)
def test_schedule_create_refuses_invalid_requests(api, body, category):
    response = api.request("POST", "/v1/invoice-schedules", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["reasons"][0]["code"][-2:] == category


def test_schedule_create_keeps_custom_fields_and_lists(api):
    body = {
        "accountKey": "A00000001",
        "scheduleItems": [{"amount": 5, "runDate": "2030-01-01", "Tag__c": "x"}],
        "orders": ["O-00000001"],
        "notes": "déjà vu",
        "invoiceSeparately": True,
        "Region__c": "EMEA",
    }
    created = api.request("POST", "/v1/invoice-schedules", json=body).json()
    assert created["Region__c"] == "EMEA" and created["scheduleItems"][0]["Tag__c"] == "x"
    assert created["orders"] == ["O-00000001"] and created["notes"] == "déjà vu" and created["invoiceSeparately"]


def test_schedule_pause_and_resume_restore_status(api):
    key = api.create()["id"]
    paused = api.request("PUT", f"/v1/invoice-schedules/{key}/pause", content=b"ignored")
    assert paused.status_code == 200 and paused.json()["status"] == "Paused"
    again = api.request("PUT", f"/v1/invoice-schedules/{key}/pause")
    assert again.status_code == 400 and again.json()["reasons"][0]["code"].endswith("30")
    resumed = api.request("PUT", f"/v1/invoice-schedules/{key}/resume")
    assert resumed.status_code == 200 and resumed.json()["status"] == "Pending"
    twice = api.request("PUT", f"/v1/invoice-schedules/{key}/resume")
    assert twice.status_code == 400 and twice.json()["reasons"][0]["code"].endswith("30")


def test_schedule_resume_restores_partially_processed(api):
    schedule = api.create()
    assert api.execute(schedule["id"]).status_code == 200
    api.request("PUT", f"/v1/invoice-schedules/{schedule['id']}/pause")
    resumed = api.request("PUT", f"/v1/invoice-schedules/{schedule['id']}/resume").json()
    assert resumed["status"] == "PartiallyProcessed"


def test_schedule_delete_only_when_pending(api):
    pending, started = api.create(), api.create()
    response = api.request("DELETE", f"/v1/invoice-schedules/{pending['number']}")
    body = response.json()
    assert response.status_code == 200
    assert body["success"] is True and body["reasons"] == [] and len(body["processId"]) == 16
    assert body["requestId"] == response.headers["Zuora-Request-Id"]
    assert api.request("GET", f"/v1/invoice-schedules/{pending['id']}").status_code == 404
    api.execute(started["id"])
    refused = api.request("DELETE", f"/v1/invoice-schedules/{started['id']}")
    assert refused.status_code == 400 and refused.json()["reasons"][0]["code"].endswith("30")
    paused = api.create()
    api.request("PUT", f"/v1/invoice-schedules/{paused['id']}/pause")
    assert api.request("DELETE", f"/v1/invoice-schedules/{paused['id']}").status_code == 400
