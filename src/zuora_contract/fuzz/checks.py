"""Zuora's single-exchange rules as schemathesis checks: thin adapters over checks.py and billruns.py.

Importing this module registers the checks (globally, as schemathesis requires), so the fuzz tests and
`st run` with `SCHEMATHESIS_HOOKS=zuora_contract.fuzz.checks` judge every response by the same code the
catalogue runner uses. Each adapter converts the response, calls the rule, and raises its failures.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from schemathesis.core import NotSet
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection

from zuora_contract.failures import raise_all
from zuora_contract.provision import Schedule
from zuora_contract.rules.billruns import TYPES_ONLY, check_bill_run_shape, check_filter_echo
from zuora_contract.rules.checks import (
    check_error_envelope,
    check_request_id,
    check_track_id,
    check_version_convention,
    is_documented_track_id,
    is_refusal,
)
from zuora_contract.spec import schema_errors

EXECUTE_PATH = "/v1/invoice-schedules/{scheduleKey}/execute"
# Schedules the suite made, by ID and by number, so a check can tell which one a request named.
KNOWN_SCHEDULES: dict[str, Schedule] = {}
# httpx would decode these again; the schemathesis response already holds the decoded body.
_TRANSFER_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
# The last conversion: every adapter judges the same response in turn.
_CONVERTED: dict[str, tuple[Any, httpx.Response]] = {}


def remember(schedule: Schedule) -> None:
    """Register a schedule the suite made, so bill-run semantics can be judged for it."""
    KNOWN_SCHEDULES[schedule.id] = schedule
    KNOWN_SCHEDULES[schedule.number] = schedule


def as_httpx(response: Any) -> httpx.Response:
    """The schemathesis response as the httpx response the rule functions take (converted once per response)."""
    cached = _CONVERTED.get("last")
    if cached is not None and cached[0] is response:
        return cached[1]
    converted = _convert(response)
    _CONVERTED["last"] = (response, converted)
    return converted


def _convert(response: Any) -> httpx.Response:
    # As bytes: a target may echo a header value outside ASCII (a generated track id), which httpx's str
    # headers refuse; on the wire it was latin-1.
    headers = [
        (name.encode("latin-1", "replace"), value.encode("latin-1", "replace"))
        for name, values in response.headers.items()
        if name.lower() not in _TRANSFER_HEADERS
        for value in values
    ]
    return httpx.Response(response.status_code, headers=headers, content=response.content)


def sent_header(response: Any, name: str) -> str | None:
    """A header as it was sent on the wire (after the transport added defaults), or None."""
    value = response.request.headers.get(name)
    return value.decode("latin-1") if isinstance(value, bytes) else value


def undocumented_method(case: Any) -> bool:
    """True for the coverage phase's unexpected methods (QUERY, PATCH, ...): Zuora documents no rule for them.

    Only "never a 5xx" (the built-in not_a_server_error) judges those answers; a bare 405 without the
    envelope, the track-id echo or a request id is as plausible as Zuora's full answer.
    """
    return str(case.method).upper() != str(case.operation.method).upper()


@schemathesis.check
def zuora_request_id(ctx: Any, response: Any, case: Any) -> bool | None:
    """OAS-FULL: every response carries a 36-character Zuora-Request-Id."""
    if undocumented_method(case):
        return None
    raise_all(check_request_id(as_httpx(response)))
    return None


@schemathesis.check
def zuora_track_id_echo(ctx: Any, response: Any, case: Any) -> bool | None:
    """REF-HTML: a documented Zuora-Track-Id is echoed identically; none sent, none returned."""
    sent = sent_header(response, "Zuora-Track-Id")
    if undocumented_method(case) or (sent is not None and not is_documented_track_id(sent)):
        return None
    if sent == "":
        # An empty header is dropped by some HTTP stacks on the way; Zuora documents no echo of it.
        return None
    raise_all(check_track_id(as_httpx(response), sent))
    return None


@schemathesis.check
def zuora_error_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """OAS-OTC: a refusal under either convention carries the CommonResponse (or 500 ErrorResponse) body."""
    converted = as_httpx(response)
    if is_refusal(converted) and not undocumented_method(case):
        raise_all(check_error_envelope(converted))
    return None


@schemathesis.check
def zuora_version_convention(ctx: Any, response: Any, case: Any) -> bool | None:
    """DEV-UPGRADES: the error status follows the Zuora-Version that was sent (or the tenant default)."""
    if undocumented_method(case):
        return None
    raise_all(check_version_convention(as_httpx(response), sent_header(response, "Zuora-Version")))
    return None


@schemathesis.check
def zuora_bill_run_semantics(ctx: Any, response: Any, case: Any) -> bool | None:
    """KC-EXEC-API: an executed bill run has the documented fields and its filter echoes the request."""
    if case.path != EXECUTE_PATH or str(case.method).upper() != "POST":
        return None
    converted = as_httpx(response)
    if converted.status_code != 200 or is_refusal(converted):
        return None
    body = converted.json()
    failures = check_bill_run_shape(body, TYPES_ONLY)
    schedule = KNOWN_SCHEDULES.get(str(case.path_parameters.get("scheduleKey")))
    if schedule is not None:
        sent = case.body if isinstance(case.body, dict) else {}
        item = sent.get("scheduleItemId")
        failures += check_filter_echo(body, schedule.id, schedule.account_id, item if isinstance(item, str) else None)
    raise_all(failures)
    return None


def _null_read_as_absent(case: Any) -> bool:
    """True when the body's only invalidity is optional properties sent as `null`.

    Zuora documents nothing about `null` for an optional property; reading it as absent is a legitimate
    answer (the reference mock's documented choice), so accepting it is not a missed rejection.
    """
    body, meta = case.body, case.meta
    if not isinstance(body, dict) or None not in body.values() or meta is None:
        return False
    if any(meta.is_negative_at(location) for location in meta.components if location != ParameterLocation.BODY):
        return False
    reference = (
        case.operation.definition.raw.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("$ref", "")
    )
    component = reference.rsplit("/", 1)[-1]
    present = {key: value for key, value in body.items() if value is not None}
    return bool(component) and not schema_errors(component, present)


# spec §3: whether Zuora rejects or ignores an over-long or ill-formed value of these is UNKNOWN.
UNDOCUMENTED_REJECTION_HEADERS = frozenset({"zuora-track-id", "idempotency-key"})


def _undocumented_header_only(case: Any) -> bool:
    """True when only headers are invalid: the fragment constrains no header but these two, so they are the cause."""
    meta = case.meta
    if meta is None:
        return False
    negative = [location for location in meta.components if meta.is_negative_at(location)]
    sent = {name.lower() for name in (case.headers or {})}
    return negative == [ParameterLocation.HEADER] and bool(sent & UNDOCUMENTED_REJECTION_HEADERS)


def _missing_body_only(case: Any) -> bool:
    """True when the only invalidity is a missing body: whether Zuora reads it as {} is undocumented."""
    meta = case.meta
    if meta is None or not isinstance(case.body, NotSet):
        return False
    negative = [location for location in meta.components if meta.is_negative_at(location)]
    return negative == [ParameterLocation.BODY]


@schemathesis.check
def zuora_negative_data_rejection(ctx: Any, response: Any, case: Any) -> bool | None:
    """The built-in negative_data_rejection, accepting Zuora's legacy refusal (HTTP 200, success:false) too."""
    try:
        result: bool | None = negative_data_rejection(ctx, response, case)
        return result
    except AssertionError:
        undocumented = _null_read_as_absent(case) or _undocumented_header_only(case) or _missing_body_only(case)
        if is_refusal(as_httpx(response)) or undocumented:
            return None
        raise
