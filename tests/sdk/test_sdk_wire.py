"""What zuora-sdk puts on the wire, the reference mock accepts: asserted on the requests the mock received."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from sdk_support import ACCOUNT, CONFIG, HEX32, RUN_DATES, Recorder, decimal_of
from zuora_sdk.api.invoice_schedules_api import InvoiceSchedulesApi
from zuora_sdk.models import CreateInvoiceScheduleItem, CreateInvoiceScheduleRequest

pytestmark = pytest.mark.sdk
ORDERS = ["O-00000001", "O-00000002"]


def _create(sdk_client: Any, amounts: list[Any], **fields: Any) -> Any:
    items = [
        CreateInvoiceScheduleItem(run_date=day, amount=amount, name=f"item {n}")
        for n, (day, amount) in enumerate(zip(RUN_DATES, amounts, strict=False), 1)
    ]
    request = CreateInvoiceScheduleRequest(account_key=ACCOUNT, schedule_items=items, **fields)
    return InvoiceSchedulesApi(sdk_client.api_client).create_invoice_schedule(request)


def _sent_body(wire: Recorder, method: str, path_end: str) -> Any:
    [seen] = wire.requests(method, path_end)
    return json.loads(seen.body)


def test_sdk_initialize_authenticates_with_the_demo_credentials(sdk_client: Any, wire: Recorder) -> None:
    """The demo client passes the SDK's length checks, and initialize() ends with a token good for an hour."""
    assert len(CONFIG.client_id) == 36 and len(CONFIG.client_secret) <= 42
    token = sdk_client.token["access_token"]
    assert token and sdk_client.api_client.default_headers["Authorization"] == f"Bearer {token}"
    assert sdk_client.token["expires_at"] > datetime.datetime.now() + datetime.timedelta(minutes=50)
    [login] = wire.requests("POST", "/oauth/token")
    assert login.headers["content-type"].startswith("application/x-www-form-urlencoded") and login.status == 200


def test_sdk_identity_encoding_gets_plain_json(sdk_client: Any, wire: Recorder) -> None:
    """The SDK sends Accept-Encoding: identity and cannot gunzip; a schedule over 1000 bytes comes back plain."""
    created = _create(sdk_client, [Decimal("1.00")] * 3)
    got = InvoiceSchedulesApi(sdk_client.api_client).get_invoice_schedule(created.id)
    assert got.id == created.id
    [retrieval] = wire.requests("GET", created.id)
    assert int(retrieval.answer_headers["content-length"]) > 1000  # large enough that gzip would apply
    assert {seen.headers.get("accept-encoding") for seen in wire.exchanges} == {"identity"}
    assert all("content-encoding" not in seen.answer_headers for seen in wire.exchanges)


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")  # the SDK warns on float amounts
def test_sdk_amounts_as_strings_and_numbers_are_accepted(sdk_client: Any, wire: Recorder) -> None:
    """Decimal amounts go out as JSON strings, floats and ints as numbers; the mock takes both at face value."""
    created = _create(sdk_client, [Decimal("100.00"), 250.5, 7])
    sent = [item["amount"] for item in _sent_body(wire, "POST", "/v1/invoice-schedules")["scheduleItems"]]
    assert sent == ["100.00", 250.5, 7]
    amounts = [decimal_of(item.amount) for item in created.schedule_items]
    assert amounts == [Decimal("100.00"), Decimal("250.5"), Decimal("7")]
    assert decimal_of(created.total_amount) == Decimal("357.50")


@pytest.mark.parametrize("orders", [ORDERS, []], ids=["orders", "empty-orders"])
def test_sdk_orders_are_stored_and_returned(sdk_client: Any, wire: Recorder, orders: list[str]) -> None:
    """The SDK declares `orders` required; the numbers it sends come back on the schedule."""
    created = _create(sdk_client, [Decimal("10")], orders=orders)
    assert _sent_body(wire, "POST", "/v1/invoice-schedules")["orders"] == orders
    assert created.orders == orders and HEX32.match(created.id)


def test_sdk_schedule_without_orders_is_accepted(sdk_client: Any, wire: Recorder) -> None:
    """Request models skip validation, so code that leaves `orders` out sends no `orders` at all."""
    created = _create(sdk_client, [Decimal("10")])
    assert "orders" not in _sent_body(wire, "POST", "/v1/invoice-schedules")
    assert created.success is True and created.status == "Pending" and not created.orders


def test_sdk_token_refresh_with_the_old_bearer_is_accepted(sdk_client: Any, wire: Recorder) -> None:
    """The refresh worker's _auth() sends the old token to /oauth/token; the mock ignores it and issues a new one."""
    old = sdk_client.token["access_token"]
    sdk_client._auth()  # exactly what the SDK's 10-minute refresh thread calls
    new = sdk_client.token["access_token"]
    refresh = wire.requests("POST", "/oauth/token")[-1]
    assert refresh.headers.get("authorization") == f"Bearer {old}" and refresh.status == 200
    assert new and new != old and sdk_client.api_client.default_headers["Authorization"] == f"Bearer {new}"
    created = _create(sdk_client, [Decimal("10")])
    assert created.success is True
    assert wire.requests("POST", "/v1/invoice-schedules")[-1].headers["authorization"] == f"Bearer {new}"


def test_sdk_pause_and_resume_without_a_body_are_accepted(sdk_client: Any, wire: Recorder) -> None:
    """pause_invoice_schedule() and resume_invoice_schedule() send PUT with no body and no Content-Type."""
    schedules = InvoiceSchedulesApi(sdk_client.api_client)
    created = _create(sdk_client, [Decimal("10"), Decimal("20")])
    assert schedules.pause_invoice_schedule(created.number).status == "Paused"
    assert schedules.resume_invoice_schedule(created.number).status == "Pending"
    puts = wire.requests("PUT")
    assert [seen.path.rsplit("/", 1)[1] for seen in puts] == ["pause", "resume"]
    assert all(seen.body == b"" and "content-type" not in seen.headers for seen in puts)
    assert all(seen.status == 200 for seen in puts)
