"""Each rule check fails on a hand-made bad response and passes on a good one."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.documented import RESPONSE_WITHOUT_ITEM

from zuora_contract.rules.billruns import check_bill_run_shape, check_filter_echo, check_success_status
from zuora_contract.rules.checks import (
    check_error_envelope,
    check_json_content_type,
    check_request_id,
    check_track_id,
    check_version_convention,
    is_refusal,
)
from zuora_contract.rules.conventions import category_of, version_mode

REQUEST_ID = "d7479cf6-b410-4630-b841-268ccd48f0d2"
SAMPLE = RESPONSE_WITHOUT_ITEM
ERROR = {"success": False, "processId": "738CBB9234B47A47", "requestId": REQUEST_ID,
         "reasons": [{"code": "50000040", "message": "not found"}]}  # fmt: skip


def _response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"Zuora-Request-Id": REQUEST_ID, **headers})


def test_checks_accept_the_documented_sample() -> None:
    """Zuora's own documented output passes every bill-run rule."""
    response = _response(200, SAMPLE)
    assert check_success_status(response) == []
    assert check_bill_run_shape(SAMPLE) == []
    schedule, account = "e717da75dae645bdb63723d364e8547d", "8a90c1d47f07e24b017f0811c06a0b8b"
    assert check_filter_echo(SAMPLE, schedule, account, None) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("createdDate", "2022-11-08T17:28:02Z"), ("status", "Done"), ("billRunNumber", 170241), ("autoPost", "no")],
)
def test_checks_bill_run_shape_rejects_wrong_types_and_formats(field: str, value: Any) -> None:
    """A field of the wrong type, enum or format is named in the failure."""
    failures = check_bill_run_shape(SAMPLE | {field: value})
    assert failures and field in failures[0].received


def test_checks_bill_run_shape_names_the_sdk_consequence_of_non_object_filters() -> None:
    """A non-object filter entry breaks zuora-sdk; the message says so."""
    failures = check_bill_run_shape(SAMPLE | {"billRunFilters": ["InvoiceSchedule"]})
    assert "zuora-sdk" in failures[0].consequence


def test_checks_success_status_names_the_sdk_consequence_of_201() -> None:
    """zuora-sdk returns None for a 201; the failure explains it."""
    failures = check_success_status(_response(201, SAMPLE))
    assert failures and "None" in failures[0].consequence


def test_checks_filter_echo_reports_each_wrong_field() -> None:
    """Schedule, account and item are each compared."""
    failures = check_filter_echo(SAMPLE, "other-schedule", "A00000001", "item-1")
    assert {failure.title.split(".")[1].split()[0] for failure in failures} == {
        "invoiceScheduleId",
        "accountId",
        "invoiceScheduleItemId",
    }


def test_checks_request_and_track_id() -> None:
    """Request id must be 36 characters; the track id is echoed exactly and only when sent."""
    assert check_request_id(httpx.Response(200, headers={"Zuora-Request-Id": "short"}))
    assert check_track_id(_response(200, {}, **{"Zuora-Track-Id": "a"}), "b")
    assert check_track_id(_response(200, {}, **{"Zuora-Track-Id": "a"}), None)
    assert check_track_id(_response(200, {}, **{"Zuora-Track-Id": "a"}), "a") == []
    assert check_json_content_type(httpx.Response(200, text="<html>"))


def test_checks_error_envelope_and_missing_success() -> None:
    """An envelope without `success` is refused: zuora-sdk would read it as a success."""
    assert check_error_envelope(_response(404, ERROR)) == []
    failures = check_error_envelope(_response(400, {k: v for k, v in ERROR.items() if k != "success"}))
    assert failures and "success" in failures[0].received
    assert check_error_envelope(_response(401, {"message": "Authentication error"})) == []


@pytest.mark.parametrize(
    ("status", "version", "fails"),
    [
        (200, "211.0", False),
        (404, "211.0", True),
        (404, "2024-05-20", False),
        (400, "2024-05-20", True),
        (200, "2025-08-12", True),
        (200, None, False),
        (404, None, False),
        (400, None, True),
    ],
)
def test_checks_version_convention(status: int, version: str | None, fails: bool) -> None:
    """Legacy versions answer 200; from 2024-05-20 the category's status; unset accepts either."""
    assert bool(check_version_convention(_response(status, ERROR), version)) is fails


def test_conventions_parse_versions_and_codes() -> None:
    """Dated, numbered and garbage versions; codes as strings or numbers."""
    assert version_mode("2024-05-20") == "modern"
    assert version_mode("2023-01-01") == "legacy"
    assert version_mode("186.0") == "legacy"
    assert version_mode("latest") == "tenant-default"
    assert category_of(53100320) == "20"
    assert category_of("5310032") is None
    assert is_refusal(_response(200, ERROR)) and not is_refusal(_response(200, SAMPLE))


@pytest.mark.parametrize("body", [{}, {"error": "unauthorized"}, {"message": 7}, ["no"]])
def test_checks_401_body_has_one_of_the_documented_shapes(body: Any) -> None:
    """A 401 body is CommonResponse or {message: string} (the sources disagree); nothing else passes."""
    assert check_error_envelope(_response(401, body))


def test_checks_version_convention_ignores_a_refusal_without_a_category() -> None:
    """A gateway's 403, 429 or 503 carries no 8-digit code, so the version convention does not cover it."""
    gateway = _response(429, {"message": "Too many requests"})
    assert check_version_convention(gateway, "186.0") == []
    categorised = _response(404, ERROR)
    assert check_version_convention(categorised, "186.0") != []


def test_checks_filter_echo_judges_present_keys_only() -> None:
    """Zuora's schema declares neither filter key: absent passes, present with another item fails."""
    schedule, account = "e717da75dae645bdb63723d364e8547d", "8a90c1d47f07e24b017f0811c06a0b8b"
    bare = {"billRunFilters": [{"filterType": "InvoiceSchedule", "accountId": account}]}
    assert check_filter_echo(bare, schedule, account, "8a90f5088459f34f01845a62a33b1787") == []
    wrong_item = {"billRunFilters": [{**bare["billRunFilters"][0], "invoiceScheduleItemId": "another"}]}
    assert check_filter_echo(wrong_item, schedule, account, "8a90f5088459f34f01845a62a33b1787") != []
    other_account = {"billRunFilters": [{"filterType": "InvoiceSchedule", "accountId": "other"}]}
    assert check_filter_echo(other_account, schedule, account, None) != []
    assert check_filter_echo(other_account, schedule, None, None) == []  # the account was never reported
