"""Zuora's official Python SDK drives the mock end to end: a real client must be able to use it.

Importing zuora_sdk takes about 14 s, so this runs only with ZUORA_MOCK_SDK_TEST=1 to keep the mock's tests fast.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from mock_support import CONFIG

if not os.environ.get("ZUORA_MOCK_SDK_TEST"):
    pytest.skip("set ZUORA_MOCK_SDK_TEST=1 to drive the mock through zuora-sdk (slow import)", allow_module_level=True)
sdk = pytest.importorskip("zuora_sdk")
from zuora_sdk.api.bill_run_api import BillRunApi  # noqa: E402
from zuora_sdk.api.invoice_schedules_api import InvoiceSchedulesApi  # noqa: E402
from zuora_sdk.api.o_auth_api import OAuthApi  # noqa: E402
from zuora_sdk.models import (  # noqa: E402
    CreateInvoiceScheduleItem,
    CreateInvoiceScheduleRequest,
    ExecuteInvoiceScheduleRequest,
)


@pytest.mark.sdk
@pytest.mark.slow
def test_sdk_creates_executes_and_reads_back(server):
    configuration = sdk.Configuration(host=server.url)
    with sdk.ApiClient(configuration) as client:
        token = OAuthApi(client).create_token(CONFIG.client_id, CONFIG.client_secret, "client_credentials")
        configuration.access_token = token.access_token
        schedules = InvoiceSchedulesApi(client)
        items = [
            CreateInvoiceScheduleItem(run_date=date(2030, 1, 1), amount=Decimal("100.00"), name="first"),
            CreateInvoiceScheduleItem(run_date=date(2030, 2, 1), amount=Decimal("50.00"), name="second"),
        ]
        created = schedules.create_invoice_schedule(
            CreateInvoiceScheduleRequest(account_key="A00000001", orders=[], schedule_items=items)
        )
        assert created.total_amount == 150 and created.number.startswith("IS-")
        first = created.schedule_items[0].id
        run = schedules.execute_invoice_schedule(created.id, ExecuteInvoiceScheduleRequest(schedule_item_id=first))
        assert run.status == "Pending" and run.bill_run_filters[0].invoice_schedule_item_id == first
        assert BillRunApi(client).get_bill_run(run.id).bill_run_number == run.bill_run_number
        itemless = schedules.execute_invoice_schedule(created.number, ExecuteInvoiceScheduleRequest())
        assert str(itemless.target_date) == "2030-02-01"  # construct() skips parsing
        with pytest.raises(sdk.exceptions.NotFoundException):
            schedules.execute_invoice_schedule("IS-99999999", ExecuteInvoiceScheduleRequest())
