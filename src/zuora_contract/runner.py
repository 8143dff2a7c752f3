"""The one generic runner: provision a case's precondition, send its request, judge the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from zuora_contract import ids
from zuora_contract.billruns import TYPES_ONLY, check_bill_run_shape, check_filter_echo, check_success_status
from zuora_contract.cases import Case
from zuora_contract.checks import (
    Failures,
    body_of,
    check_error_envelope,
    check_json_content_type,
    check_not_server_error,
    check_refusal_category,
    check_request_id,
    check_track_id,
    check_version_convention,
    is_refusal,
    require_judgeable,
)
from zuora_contract.failures import ContractFailure, raise_all
from zuora_contract.processing import check_item_executed
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.states import Given, provision
from zuora_contract.target import EXECUTE_PATH, Target, new_track_id


def _wrong_token() -> str:
    return f"Bearer {ids.token_hex(16)}"


def _malformed() -> str:
    return "Bearer"


# Authorization values of the auth cases; "wrong" is a fresh token that no tenant issued.
AUTH_HEADERS: dict[str, Callable[[], str]] = {"malformed": _malformed, "wrong": _wrong_token}


def _fill(value: Any, values: dict[str, str]) -> Any:
    """Substitute placeholders such as `$earliest_item` anywhere in a request body."""
    if isinstance(value, str) and value.startswith("$"):
        return values[value]
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    return value


def _key(spec: str, schedule: Schedule) -> str:
    if spec == "unknown-id":
        return ids.unknown_id()
    keys = {"id": schedule.id, "number": schedule.number}
    return keys.get(spec) or f"IS-9{ids.randbelow(10**7):07d}"


def send(case: Case, target: Target, given: Given) -> tuple[httpx.Response, str | None, str | None]:
    """Send the case's request; return the response, the track id and the Zuora-Version sent."""
    spec = case.request
    headers = dict(spec.get("headers", {}))
    track_id = new_track_id() if spec.get("track_id", True) else None
    if track_id:
        headers["Zuora-Track-Id"] = track_id
    auth = spec.get("auth", "default")
    if auth in AUTH_HEADERS:
        headers["Authorization"] = AUTH_HEADERS[auth]()
    version = spec.get("version", target.settings.version)
    content: bytes | None = None
    if "raw_body" in spec:
        content = spec["raw_body"].encode()
    else:
        content = httpx.Request("POST", "/", json=_fill(spec.get("body", {}), given.values)).content
    headers.setdefault("Content-Type", spec.get("content_type", "application/json"))
    path = EXECUTE_PATH.format(scheduleKey=_key(spec.get("key", "id"), given.schedule))
    response = target.request(
        "POST", path, content=content, headers=headers, authenticate=auth != "none", version=version
    )
    return response, track_id, version


def _statuses(schedule: Schedule) -> dict[str, str]:
    return {"schedule": schedule.status} | {item.id: item.status for item in schedule.items}


def judge(case: Case, response: httpx.Response, given: Given, sent_version: str | None) -> Failures:
    """Apply the case's expectation to one response."""
    expect = case.expect
    outcome = expect["outcome"]
    if outcome != "unauthorized":
        require_judgeable(response)
    if outcome == "bill-run":
        failures = check_success_status(response)
        if failures:
            return failures
        body = response.json()
        # The sample rules require every sample field; here a missing null field is not this case's subject.
        failures = check_bill_run_shape(body, TYPES_ONLY)
        if "echo_item" in expect:
            echo = expect["echo_item"]
            item = given.values[echo] if isinstance(echo, str) else None
            failures += check_filter_echo(body, given.schedule.id, given.schedule.account_id, item)
        return failures
    if outcome == "no-server-error":
        # Only "never a 5xx" is documented here; a gateway's 400, 415 or 406 in another shape is fine.
        return check_not_server_error(response)
    if outcome == "unauthorized":
        if response.status_code != 401:
            return [ContractFailure("bad credentials not refused with 401", f"HTTP {response.status_code}", "HTTP 401")]
        return check_error_envelope(response)
    if not is_refusal(response):
        return [_not_refused(response)]
    failures = check_not_server_error(response) + check_error_envelope(response)
    failures += check_version_convention(response, sent_version)
    if expect.get("categories"):
        failures += check_refusal_category(response, frozenset(expect["categories"]))
    return failures


def _not_refused(response: httpx.Response) -> ContractFailure:
    body = body_of(response)
    if isinstance(body, dict) and "reasons" in body and "success" not in body:
        return ContractFailure(
            "error envelope lacks `success`",
            f"HTTP {response.status_code} {str(body)[:200]}",
            "success: false",
            "zuora-sdk reads a missing `success` as true, so the caller takes this refusal for a success",
        )
    return ContractFailure("request was not refused", f"HTTP {response.status_code}", "an error response")


def _side_effects(case: Case, provisioner: Provisioner, given: Given, response: httpx.Response) -> Failures:
    expect = case.expect
    failures: Failures = []
    if expect.get("side_effects") == "none":
        after = provisioner.get_schedule(given.schedule.id)
        if _statuses(after) != _statuses(given.schedule):
            before, now = _statuses(given.schedule), _statuses(after)
            failures.append(ContractFailure("a refused request changed the schedule", repr(now), repr(before)))
    if "executes" in expect:
        body = body_of(response)
        bill_run = body.get("id") if isinstance(body, dict) else None
        item_id = given.values[expect["executes"]]
        failures += check_item_executed(provisioner, given.schedule, item_id, str(bill_run) if bill_run else None)
    return failures


def run_case(case: Case, provisioner: Provisioner) -> None:
    """Run one catalogue case end to end and raise every broken rule together."""
    needs_other = "$other_schedule_item" in str(case.request.get("body"))
    given = provision(case.given, provisioner, needs_other)
    response, track_id, version = send(case, provisioner.target, given)
    failures = judge(case, response, given, version)
    failures += check_request_id(response) + check_json_content_type(response)
    if "Zuora-Track-Id" not in case.request.get("headers", {}):
        # A case that sends its own (invalid) track id tests refusal; the echo of an invalid value is undocumented.
        failures += check_track_id(response, track_id)
    failures += _side_effects(case, provisioner, given, response)
    raise_all(failures)
