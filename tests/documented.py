"""Zuora's two documented request/response samples, transcribed once, verbatim.

Source: "Execute invoice schedules through the REST API" (KC-EXEC-API),
https://docs.zuora.com/en/zuora-billing/bill-your-customer/leverage-advanced-capabilities/flexible-billing/billing-schedule/billing-schedule-tutorials/execute-invoice-schedules/execute-invoice-schedules-through-the-rest-api
"""

from __future__ import annotations

from typing import Any

REQUEST_WITH_ITEM: dict[str, Any] = {"scheduleItemId": "8a90f5088459f34f01845a62a33b1787"}
REQUEST_WITHOUT_ITEM: dict[str, Any] = {}

RESPONSE_WITH_ITEM: dict[str, Any] = {
    "id": "8a90876c8459e39601845a6c789e191b",
    "autoEmail": False,
    "autoPost": False,
    "autoRenewal": False,
    "billCycleDay": None,
    "billRunNumber": "BR-00170238",
    "invoiceDate": "2022-12-03",
    "noEmailForZeroAmountInvoice": False,
    "status": "Pending",
    "targetDate": "2022-12-03",
    "targetDateOffset": None,
    "invoiceDateOffset": None,
    "scheduledExecutionTime": None,
    "createdById": "2c92c8fb7d6be66a017d6ecf94614438",
    "createdDate": "2022-11-08 17:26:09",
    "updatedById": "2c92c8fb7d6be66a017d6ecf94614438",
    "updatedDate": "2022-11-08 17:26:09",
    "batches": None,
    "chargeTypeToExclude": ["Usage"],
    "billRunFilters": [
        {
            "filterType": "InvoiceSchedule",
            "accountId": "8a90c1d47f07e24b017f0811c06a0b8b",
            "subscriptionId": None,
            "invoiceScheduleId": "e717da75dae645bdb63723d364e8547d",
            "invoiceScheduleItemId": "8a90f5088459f34f01845a62a33b1787",
        }
    ],
    "schedule": None,
    "success": True,
}

RESPONSE_WITHOUT_ITEM: dict[str, Any] = {
    "id": "8a90f5088459f34f01845a6e352f1983",
    "autoEmail": False,
    "autoPost": False,
    "autoRenewal": False,
    "billCycleDay": None,
    "billRunNumber": "BR-00170241",
    "invoiceDate": "2022-12-08",
    "noEmailForZeroAmountInvoice": False,
    "status": "Pending",
    "targetDate": "2022-12-08",
    "targetDateOffset": None,
    "invoiceDateOffset": None,
    "scheduledExecutionTime": None,
    "createdById": "2c92c8fb7d6be66a017d6ecf94614438",
    "createdDate": "2022-11-08 17:28:02",
    "updatedById": "2c92c8fb7d6be66a017d6ecf94614438",
    "updatedDate": "2022-11-08 17:28:02",
    "batches": None,
    "chargeTypeToExclude": ["Usage"],
    "billRunFilters": [
        {
            "filterType": "InvoiceSchedule",
            "accountId": "8a90c1d47f07e24b017f0811c06a0b8b",
            "subscriptionId": None,
            "invoiceScheduleId": "e717da75dae645bdb63723d364e8547d",
            "invoiceScheduleItemId": None,
        }
    ],
    "schedule": None,
    "success": True,
}
