"""The one generic runner: provision a case's precondition, send its request, judge the answer."""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from typing import Any

import httpx

from zuora_contract.cassettes import ids
from zuora_contract.catalogue.cases import Case
from zuora_contract.catalogue.states import Given, provision
from zuora_contract.failures import ContractFailure, raise_all
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.rules.billruns import TYPES_ONLY, check_bill_run_shape, check_filter_echo, check_success_status
from zuora_contract.rules.checks import (
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
from zuora_contract.rules.processing import check_item_executed, keep_failures
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


# Key forms whose handling Zuora leaves open (spec §8.10): each must be answered without a 5xx.
KEY_FORMS: dict[str, Callable[[Schedule], str]] = {
    "id": lambda schedule: schedule.id,
    "number": lambda schedule: schedule.number,
    "unknown-id": lambda _: ids.unknown_id(),
    "unknown-number": lambda _: f"IS-9{ids.randbelow(10**7):07d}",
    "lower-case-number": lambda schedule: schedule.number.lower(),
    "upper-case-id": lambda schedule: schedule.id.upper(),
    "long-unknown": lambda _: "IS-" + "9" * 2045,
    "encoded-slash": lambda schedule: f"{schedule.number}%2F1",
}


def _content(spec: dict[str, Any], given: Given) -> bytes:
    if "raw_body" in spec:
        content = str(spec["raw_body"]).encode()
    else:
        content = httpx.Request("POST", "/", json=_fill(spec.get("body", {}), given.values)).content
    encoding = spec.get("content_encoding")
    if encoding == "gzip":
        return gzip.compress(content, mtime=0)
    if encoding == "corrupt-gzip":
        # A valid gzip header followed by bytes that inflate to nothing readable.
        return gzip.compress(content, mtime=0)[:10] + b"\x00not deflate data\xff"
    return content


def _headers(spec: dict[str, Any], track_id: str | None) -> dict[str, Any]:
    headers: dict[str, Any] = dict(spec.get("headers", {}))
    if track_id:
        headers["Zuora-Track-Id"] = track_id
    auth = spec.get("auth", "default")
    if auth in AUTH_HEADERS:
        headers["Authorization"] = AUTH_HEADERS[auth]()
    if spec.get("content_encoding"):
        headers["Content-Encoding"] = "gzip"
    headers.setdefault("Content-Type", spec.get("content_type", "application/json"))
    for name, value in spec.get("utf8_headers", {}).items():
        headers[name] = str(value).encode("utf-8")  # raw bytes on the wire, as a careless client sends them
    return headers


def send(case: Case, target: Target, given: Given) -> tuple[httpx.Response, str | None, str | None]:
    """Send the case's request; return the response, the track id and the Zuora-Version sent."""
    spec = case.request
    track_id = new_track_id() if spec.get("track_id", True) else None
    headers = _headers(spec, track_id)
    version = spec.get("version", target.settings.version)
    if spec.get("lowercase_header_names"):
        # DEV-CHANGELOG: header names are case-insensitive, so the version and track id still apply.
        if version:
            headers["Zuora-Version"] = version
        headers = {name.lower(): value for name, value in headers.items()}
        version_sent: str | None = None
    else:
        version_sent = version
    path = EXECUTE_PATH.format(scheduleKey=KEY_FORMS[spec.get("key", "id")](given.schedule))
    response = target.request(
        "POST",
        path,
        content=_content(spec, given),
        headers=headers,
        authenticate=spec.get("auth", "default") != "none",
        version=version_sent,
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
    if outcome == "refused-any-shape":
        # A refusal whose shape Zuora leaves open (it may come from a gateway): any 4xx or envelope.
        failures = check_not_server_error(response)
        return failures if failures or is_refusal(response) else [_not_refused(response)]
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


def _unchanged(provisioner: Provisioner, schedules: list[Schedule]) -> Failures:
    failures: Failures = []
    for before in schedules:
        after = provisioner.get_schedule(before.id)
        if _statuses(after) != _statuses(before):
            failures.append(
                ContractFailure(
                    f"a refused request changed schedule {before.id}", repr(_statuses(after)), repr(_statuses(before))
                )
            )
    return failures


def _side_effects(case: Case, provisioner: Provisioner, given: Given, response: httpx.Response) -> Failures:
    expect = case.expect
    failures: Failures = []
    side_effects = expect.get("side_effects", "allowed")
    if side_effects == "none" or (side_effects == "none-if-refused" and is_refusal(response)):
        touched = [given.schedule, *given.others]
        failures += _unchanged(provisioner, touched)
        # An execution queued asynchronously after the refusal shows only later: re-checked at the end.
        provisioner.refused.extend(touched)
    if "executes" in expect and response.status_code == 200 and not is_refusal(response):
        # Only a success can have executed anything; a failed answer is judged by `judge` alone.
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
    own = {**case.request.get("headers", {}), **case.request.get("utf8_headers", {})}
    if "Zuora-Track-Id" not in own:
        # A case that sends its own (invalid) track id tests refusal; the echo of an invalid value is undocumented.
        failures += check_track_id(response, track_id)
    failures = keep_failures(failures, lambda: _side_effects(case, provisioner, given, response))
    raise_all(failures)


def check_refusals_left_alone(provisioner: Provisioner) -> Failures:
    """Refused schedules are still unchanged once processing had time to show (twice the longest seen)."""
    settings = provisioner.target.settings
    seen = provisioner.processing_seconds
    # Bounded by ZUORA_WAIT_SECONDS; without a processing time seen in this run, the whole bound.
    wait = min(settings.wait_seconds, max(0.2, 2 * max(seen))) if seen else settings.wait_seconds
    if not provisioner.target.replaying:
        time.sleep(wait)
    unique = list({schedule.id: schedule for schedule in provisioner.refused}.values())
    return _unchanged(provisioner, unique)
