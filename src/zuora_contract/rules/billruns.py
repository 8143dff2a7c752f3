"""Rules about the bill run that execute returns, checked against the schedule the suite made."""

from __future__ import annotations

from typing import Any

import httpx

from zuora_contract.failures import ContractFailure
from zuora_contract.rules.checks import Failures, body_of
from zuora_contract.spec import schema_errors

# KC-EXEC-API: the fields that both documented response samples carry.
DOCUMENTED_COMPONENT = "DocumentedBillRun"
# Zuora's own bill-run schema, corrected for nullability: types, enums and formats, nothing required.
TYPES_ONLY = "BillRunResponse"


def check_success_status(response: httpx.Response) -> Failures:
    """OAS-FULL: success is HTTP 200 with a bill-run object; zuora-sdk returns None for any other 2xx."""
    body = body_of(response)
    if response.status_code == 200 and isinstance(body, dict) and body.get("success") is not False:
        return []
    detail = f"HTTP {response.status_code} with body {str(body)[:300]}"
    consequence = (
        "zuora-sdk maps only 200 to a model: a 201 makes execute_invoice_schedule() return None"
        if 200 < response.status_code < 300
        else "the documented request was not executed"
    )
    return [ContractFailure("execute did not succeed", detail, "HTTP 200 and a bill run", consequence)]


def check_bill_run_shape(body: Any, component: str = DOCUMENTED_COMPONENT) -> Failures:
    """KC-EXEC-API/OAS-OTC: the bill run's fields have their documented types, enums and formats.

    The default also requires every field the documented samples carry; `BillRunResponse` requires none.
    """
    problems = schema_errors(component, body)
    if isinstance(body, dict):
        filters = body.get("billRunFilters")
        if isinstance(filters, list) and any(not isinstance(entry, dict) for entry in filters):
            return [
                ContractFailure(
                    "billRunFilters holds a non-object entry",
                    repr(filters)[:300],
                    "an array of filter objects",
                    "zuora-sdk raises while building BillRunFilter from a non-object entry",
                )
            ]
    if not problems:
        return []
    return [
        ContractFailure(
            "bill run does not match the documented shape", "; ".join(problems[:6]), f"the {component} schema"
        )
    ]


def check_retrieved(response: httpx.Response, created: Any) -> Failures:
    """DEV-GETBR: `GET /v1/bill-runs/{id}` returns the bill run execute created: same id and number."""
    body = body_of(response)
    if response.status_code != 200 or not isinstance(body, dict) or body.get("success") is False:
        received = f"HTTP {response.status_code}: {str(body)[:200]}"
        return [ContractFailure("bill run not retrievable by its id", received, "HTTP 200 and the bill run")]
    expected = (created.get("id"), created.get("billRunNumber"))
    if (body.get("id"), body.get("billRunNumber")) != expected:
        received = f"{body.get('id')!r} {body.get('billRunNumber')!r}"
        return [ContractFailure("retrieved another bill run", received, f"{expected[0]!r} {expected[1]!r}")]
    return []


def invoice_schedule_filter(body: Any) -> dict[str, Any] | None:
    """The `InvoiceSchedule` entry of billRunFilters, if there is exactly one object of that type."""
    filters = body.get("billRunFilters") if isinstance(body, dict) else None
    if not isinstance(filters, list):
        return None
    matches = [entry for entry in filters if isinstance(entry, dict) and entry.get("filterType") == "InvoiceSchedule"]
    return matches[0] if len(matches) == 1 else None


def check_filter_echo(body: Any, schedule_id: str, account_id: str | None, item_id: str | None) -> Failures:
    """KC-EXEC-API: the filter names the schedule, its account, and the requested item (or null).

    A key that is present must carry the right value (must). A missing `invoiceScheduleId` or
    `invoiceScheduleItemId` is not judged here: Zuora's schema declares neither and its API-reference
    example omits both (spec §1.7), so their presence is the should-level documented-keys rule. An
    account ID the create response did not report cannot be compared.
    """
    entry = invoice_schedule_filter(body)
    if entry is None:
        filters = body.get("billRunFilters") if isinstance(body, dict) else None
        return [
            ContractFailure("no single InvoiceSchedule filter", repr(filters)[:300], "one filterType InvoiceSchedule")
        ]
    expected = {"invoiceScheduleId": schedule_id, "accountId": account_id, "invoiceScheduleItemId": item_id}
    failures: Failures = []
    for field, value in expected.items():
        if field not in entry or (field == "accountId" and value is None):
            continue
        if entry[field] != value:
            failures.append(
                ContractFailure(f"billRunFilters[].{field} does not echo the request", repr(entry[field]), repr(value))
            )
    return failures
