"""Tests of the OpenAPI fragment `src/zuora_contract/data/openapi/execute-invoice-schedule.yaml`.

The documented samples are embedded as literals (copied from Zuora's docs page "Execute invoice
schedules through the REST API") so that these tests do not depend on the fragment's own examples.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import schemathesis
import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from tests.documented import REQUEST_WITH_ITEM, REQUEST_WITHOUT_ITEM, RESPONSE_WITH_ITEM, RESPONSE_WITHOUT_ITEM

from zuora_contract.spec import SPEC_PATH

FRAGMENT = SPEC_PATH
BASE_URI = "urn:zuora-contract:fragment"
EXECUTE_PATH = "/v1/invoice-schedules/{scheduleKey}/execute"

LEGACY_ERROR: dict[str, Any] = {
    "success": False,
    "processId": "CBCFED6580B4E076",
    "reasons": [{"code": 53100320, "message": "'termType' value should be one of: TERMED, EVERGREEN"}],
}

SAMPLE_RESPONSES = pytest.mark.parametrize(
    "sample", [RESPONSE_WITH_ITEM, RESPONSE_WITHOUT_ITEM], ids=["withItem", "withoutItem"]
)

OPERATION_IDS = {
    "createToken",
    "POST_CreateInvoiceSchedule",
    "GET_InvoiceSchedule",
    "DELETE_InvoiceSchedule",
    "PUT_PauseInvoiceSchedule",
    "PUT_ResumeInvoiceSchedule",
    "POST_ExecuteInvoiceSchedule",
    "GET_BillRun",
}


def _load() -> dict[str, Any]:
    with FRAGMENT.open(encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.safe_load(stream)
    return document


DOCUMENT = _load()
REGISTRY: Registry[Any] = Registry().with_resource(BASE_URI, Resource(contents=DOCUMENT, specification=DRAFT4))


def _validator(component: str) -> OAS30Validator:
    return OAS30Validator(
        {"$ref": f"{BASE_URI}#/components/schemas/{component}"},
        registry=REGISTRY,
        format_checker=oas30_format_checker,
    )


def _errors(component: str, instance: Any) -> list[str]:
    return [error.message for error in _validator(component).iter_errors(instance)]


def _is_valid(component: str, instance: Any) -> bool:
    return not _errors(component, instance)


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    methods = {"get", "put", "post", "delete", "patch"}
    return [
        (path, method, operation)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if method in methods
    ]


def _operation(operation_id: str) -> dict[str, Any]:
    for _path, _method, operation in _operations():
        if operation["operationId"] == operation_id:
            return operation
    raise KeyError(operation_id)


def test_fragment_is_valid_openapi_3_0_3() -> None:
    """The fragment declares OpenAPI 3.0.3 and passes openapi-spec-validator."""
    assert DOCUMENT["openapi"] == "3.0.3"
    validate(DOCUMENT)


def test_fragment_declares_every_operation_the_suite_uses() -> None:
    """Each operation the suite needs exists, with its documented operationId."""
    assert {operation["operationId"] for _p, _m, operation in _operations()} == OPERATION_IDS


@pytest.mark.parametrize("sample", [REQUEST_WITH_ITEM, REQUEST_WITHOUT_ITEM], ids=["withItem", "withoutItem"])
def test_execute_request_schema_accepts_documented_samples(sample: dict[str, Any]) -> None:
    """Both documented request samples validate against ExecuteInvoiceScheduleRequest."""
    assert _errors("ExecuteInvoiceScheduleRequest", sample) == []


def test_execute_request_examples_equal_documented_samples() -> None:
    """The named request examples are the documented request samples."""
    examples = _operation("POST_ExecuteInvoiceSchedule")["requestBody"]["content"]["application/json"]["examples"]
    assert examples["withItem"]["value"] == REQUEST_WITH_ITEM
    assert examples["withoutItem"]["value"] == REQUEST_WITHOUT_ITEM


def test_execute_response_examples_equal_documented_samples() -> None:
    """The named 200 examples are the documented response samples, verbatim and in order."""
    examples = _operation("POST_ExecuteInvoiceSchedule")["responses"]["200"]["content"]["application/json"]["examples"]
    for name, sample in (("withItem", RESPONSE_WITH_ITEM), ("withoutItem", RESPONSE_WITHOUT_ITEM)):
        assert examples[name]["value"] == sample
        assert list(examples[name]["value"]) == list(sample)


def test_execute_named_examples_validate_against_their_schemas() -> None:
    """Every named example of execute validates against the schema it illustrates."""
    operation = _operation("POST_ExecuteInvoiceSchedule")
    for example in operation["requestBody"]["content"]["application/json"]["examples"].values():
        assert _errors("ExecuteInvoiceScheduleRequest", example["value"]) == []
    for example in operation["responses"]["200"]["content"]["application/json"]["examples"].values():
        assert _errors("BillRunResult", example["value"]) == []


@SAMPLE_RESPONSES
@pytest.mark.parametrize("component", ["BillRunResponse", "DocumentedBillRun", "BillRunResult"])
def test_bill_run_schemas_accept_documented_samples(sample: dict[str, Any], component: str) -> None:
    """Both documented response samples validate as a bill run, a documented bill run and a 200 body."""
    assert _errors(component, sample) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("batches", None),
        ("billCycleDay", None),
        ("invoiceDateOffset", None),
        ("targetDateOffset", None),
        ("scheduledExecutionTime", None),
        ("schedule", None),
    ],
)
def test_bill_run_accepts_null_where_samples_send_null(field: str, value: None) -> None:
    """A bill run with only one of the sample's null fields validates (the official schema rejects it)."""
    assert _errors("BillRunResponse", {"id": "x", field: value}) == []


def test_bill_run_filter_accepts_null_subscription_and_item_ids() -> None:
    """A filter with null subscriptionId and invoiceScheduleItemId validates."""
    bill_run = {
        "billRunFilters": [{"filterType": "InvoiceSchedule", "subscriptionId": None, "invoiceScheduleItemId": None}]
    }
    assert _errors("BillRunResponse", bill_run) == []


def test_bill_run_accepts_rfc3339_created_date_but_the_documented_shape_does_not() -> None:
    """Zuora's schema says date-time, the samples `YYYY-MM-DD HH:mm:ss`: only the should-level shape insists."""
    bill_run = copy.deepcopy(RESPONSE_WITH_ITEM)
    bill_run["createdDate"] = "2022-11-08T17:26:09Z"
    assert _is_valid("BillRunResponse", bill_run)
    assert not _is_valid("DocumentedBillRun", bill_run)


def test_bill_run_rejects_a_created_date_in_neither_documented_format() -> None:
    """A date that is neither the samples' format nor RFC 3339 fails the types-only schema too."""
    bill_run = copy.deepcopy(RESPONSE_WITH_ITEM)
    bill_run["createdDate"] = "08/11/2022 17:26"
    assert not _is_valid("BillRunResponse", bill_run)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "Done"),
        ("billRunNumber", "00170238"),
        ("invoiceDate", "2022-13-45"),
        ("billCycleDay", 1),
        ("autoPost", "false"),
        ("chargeTypeToExclude", ["Tax"]),
        ("targetDateOffset", "0"),
    ],
)
def test_bill_run_rejects_values_outside_the_documented_shape(field: str, value: Any) -> None:
    """A bill run with an undocumented value in one field fails validation."""
    bill_run = copy.deepcopy(RESPONSE_WITH_ITEM)
    bill_run[field] = value
    assert not _is_valid("BillRunResponse", bill_run)


def test_bill_run_filter_rejects_unknown_filter_type() -> None:
    """A filterType outside the union of the sources fails validation."""
    assert not _is_valid("BillRunFilter", {"filterType": "Invoice"})


def test_bill_run_filter_accepts_every_filter_type_of_the_sources() -> None:
    """Every filterType named by any source validates."""
    for filter_type in ("Account", "Subscription", "InvoiceSchedule", "BillRunErrors", "FilterCondition"):
        assert _is_valid("BillRunFilter", {"filterType": filter_type})


def test_bill_run_accepts_unknown_fields() -> None:
    """A bill run with a field Zuora may add later still validates."""
    assert _is_valid("BillRunResponse", {**RESPONSE_WITH_ITEM, "newField": 1})


def test_legacy_error_envelope_validates_only_as_the_legacy_alternative() -> None:
    """A `success: false` envelope is a legacy 200 error, not a bill run, and matches the 200 oneOf once."""
    assert _is_valid("LegacyErrorResponse", LEGACY_ERROR)
    assert not _is_valid("BillRunResponse", LEGACY_ERROR)
    assert _is_valid("BillRunResult", LEGACY_ERROR)
    assert _is_valid("InvoiceScheduleResult", LEGACY_ERROR)


@SAMPLE_RESPONSES
def test_legacy_error_envelope_rejects_bill_runs(sample: dict[str, Any]) -> None:
    """A documented bill run, or one without `success`, does not validate as the legacy envelope."""
    assert not _is_valid("LegacyErrorResponse", sample)
    assert not _is_valid("LegacyErrorResponse", {k: v for k, v in sample.items() if k != "success"})


@SAMPLE_RESPONSES
def test_documented_bill_run_requires_every_sample_key(sample: dict[str, Any]) -> None:
    """Dropping any key present in both samples fails DocumentedBillRun but not BillRunResponse."""
    for key in sample:
        reduced = {k: v for k, v in sample.items() if k != key}
        assert not _is_valid("DocumentedBillRun", reduced), key
        assert _is_valid("BillRunResponse", reduced), key
    for key in sample["billRunFilters"][0]:
        reduced_filter = {k: v for k, v in sample["billRunFilters"][0].items() if k != key}
        assert not _is_valid("DocumentedBillRun", {**sample, "billRunFilters": [reduced_filter]}), key


def test_documented_bill_run_requires_exactly_the_shared_sample_keys() -> None:
    """DocumentedBillRun's required list is the set of keys present in both samples."""
    required = DOCUMENT["components"]["schemas"]["DocumentedBillRun"]["allOf"][1]["required"]
    assert set(required) == set(RESPONSE_WITH_ITEM) & set(RESPONSE_WITHOUT_ITEM)


@pytest.mark.parametrize("code", ["58730222", 53100320, "SystemError"])
def test_reason_code_accepts_string_and_integer(code: str | int) -> None:
    """Error codes validate both as strings and as JSON numbers."""
    assert _is_valid("CommonResponse", {"success": False, "reasons": [{"code": code, "message": "m"}]})
    assert _is_valid("ErrorResponse", {"reasons": [{"code": code, "message": "m"}]})


def test_common_response_rejects_short_request_id() -> None:
    """A requestId that is not 36 characters long fails validation."""
    assert not _is_valid("CommonResponse", {"requestId": "d7479cf6"})


@pytest.mark.parametrize("body", [{"message": "Authentication error"}, LEGACY_ERROR])
def test_unauthorized_body_accepts_both_documented_shapes(body: dict[str, Any]) -> None:
    """The 401 body accepts zuora-sdk's `{message}` and the CommonResponse envelope."""
    assert _is_valid("UnauthorizedResponse", body)


@pytest.mark.parametrize("amount", [100, 99.5, "100.00", "-3"])
def test_amount_accepts_numbers_and_numeric_strings(amount: float | str) -> None:
    """Amounts validate as JSON numbers and as numeric strings."""
    assert _is_valid("Amount", amount)
    assert _is_valid("NullableAmount", amount)


def test_amount_rejects_non_numeric_strings() -> None:
    """A non-numeric amount string fails validation; only NullableAmount admits null."""
    assert not _is_valid("Amount", "ten")
    assert not _is_valid("Amount", None)
    assert _is_valid("NullableAmount", None)


def test_invoice_schedule_accepts_nulls_and_rejects_unknown_statuses() -> None:
    """An invoice schedule with null optional fields validates; unknown statuses fail."""
    schedule = {
        "id": "e717da75dae645bdb63723d364e8547d",
        "number": "IS-00000004",
        "status": "PartiallyProcessed",
        "nextRunDate": None,
        "notes": None,
        "totalAmount": 300,
        "scheduleItems": [
            {"id": "i1", "status": "Processed", "amount": "100.00", "percentage": None, "runDate": "2022-12-03"},
            {"id": "i2", "status": "Pending", "amount": 200, "invoiceId": None, "creditMemoId": None, "runDate": None},
        ],
        "success": True,
    }
    assert _errors("InvoiceScheduleResult", schedule) == []
    assert not _is_valid("InvoiceSchedule", {**schedule, "status": "Complete"})
    assert not _is_valid("InvoiceSchedule", {"scheduleItems": [{"status": "Executed"}]})


def test_create_request_accepts_string_and_number_amounts() -> None:
    """A create request validates with Decimal-as-string and float amounts, as the SDK sends them."""
    body = {
        "accountKey": "A00000001",
        "orders": ["O-00000001"],
        "scheduleItems": [
            {"name": "a", "runDate": "2022-12-03", "amount": "100.00"},
            {"amount": 50.5, "runDate": None},
        ],
    }
    assert _errors("CreateInvoiceScheduleRequest", body) == []


@pytest.mark.parametrize(
    ("value", "valid"),
    [("trace-1", True), ("a b", True), ("a:b", False), ("a;b", False), ('a"b', False), ("a'b", False), (" a", False)],
)
def test_track_id_pattern_follows_the_documented_character_rule(value: str, valid: bool) -> None:
    """The Zuora-Track-Id pattern excludes `:` `;` `"` `'` and edge spaces."""
    pattern = DOCUMENT["components"]["parameters"]["ZuoraTrackId"]["schema"]["pattern"]
    assert (re.search(pattern, value) is not None) is valid


def test_success_content_maps_hold_only_application_json() -> None:
    """Every 200 response declares only `application/json` (no field names as media types)."""
    for path, method, operation in _operations():
        assert list(operation["responses"]["200"]["content"]) == ["application/json"], (method, path)


def test_response_headers_are_never_required() -> None:
    """No response header is marked required, as in Zuora's document."""
    for name, header in DOCUMENT["components"]["headers"].items():
        assert not header.get("required", False), name


def test_execute_success_response_declares_rate_and_concurrency_headers() -> None:
    """The execute 200 response lists the request-id, track-id, rate-limit and concurrency headers."""
    headers = _operation("POST_ExecuteInvoiceSchedule")["responses"]["200"]["headers"]
    assert set(headers) == {
        "Zuora-Request-Id",
        "Zuora-Track-Id",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "Concurrency-Limit-Type",
        "Concurrency-Limit-Limit",
        "Concurrency-Limit-Remaining",
    }


def test_unauthorized_response_declares_www_authenticate() -> None:
    """The 401 response declares the WWW-Authenticate header."""
    assert "WWW-Authenticate" in DOCUMENT["components"]["responses"]["Unauthorized"]["headers"]


def test_response_schemas_never_forbid_additional_properties() -> None:
    """No schema sets `additionalProperties: false` (Zuora adds fields)."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assert node.get("additionalProperties", True) is not False
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(DOCUMENT["components"]["schemas"])


@pytest.mark.parametrize(
    ("source", "target", "parameter", "expression"),
    [
        ("POST_CreateInvoiceSchedule", "POST_ExecuteInvoiceSchedule", "scheduleKey", "$response.body#/id"),
        ("POST_CreateInvoiceSchedule", "GET_InvoiceSchedule", "scheduleKey", "$response.body#/id"),
        ("POST_CreateInvoiceSchedule", "PUT_PauseInvoiceSchedule", "scheduleKey", "$response.body#/id"),
        ("POST_CreateInvoiceSchedule", "PUT_ResumeInvoiceSchedule", "scheduleKey", "$response.body#/id"),
        ("POST_ExecuteInvoiceSchedule", "GET_BillRun", "billRunId", "$response.body#/id"),
        ("PUT_PauseInvoiceSchedule", "POST_ExecuteInvoiceSchedule", "scheduleKey", "$response.body#/id"),
        ("PUT_PauseInvoiceSchedule", "PUT_ResumeInvoiceSchedule", "scheduleKey", "$response.body#/id"),
        ("PUT_ResumeInvoiceSchedule", "POST_ExecuteInvoiceSchedule", "scheduleKey", "$response.body#/id"),
    ],
)
def test_success_response_links_lead_to_the_next_operation(
    source: str, target: str, parameter: str, expression: str
) -> None:
    """The 200 response of `source` links to `target`, passing the response's id."""
    links = _operation(source)["responses"]["200"]["links"].values()
    assert any(link["operationId"] == target and link["parameters"].get(parameter) == expression for link in links)


def test_schemathesis_loads_the_fragment_and_finds_every_operation() -> None:
    """Schemathesis loads the fragment and sees every operation and a stateful workflow."""
    schema = schemathesis.openapi.from_path(str(FRAGMENT))
    found = {result.ok().definition.raw["operationId"] for result in schema.get_all_operations()}
    assert found == OPERATION_IDS
    machine = schema.as_state_machine()
    # Each linked operation's 200 feeds later steps; the execute answer leads on to the bill run it created.
    assert set(machine.bundles) == {
        "POST /v1/invoice-schedules -> 200",
        "GET /v1/invoice-schedules/{scheduleKey} -> 200",
        "PUT /v1/invoice-schedules/{scheduleKey}/pause -> 200",
        "PUT /v1/invoice-schedules/{scheduleKey}/resume -> 200",
        "POST /v1/invoice-schedules/{scheduleKey}/execute -> 200",
        "GET /v1/bill-runs/{billRunId} -> 200",
    }
    assert any("execute___200_getBillRun" in name for name in dir(machine))
