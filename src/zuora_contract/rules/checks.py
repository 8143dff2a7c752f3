"""Zuora's documented rules as small functions shared by the samples, the catalogue and the fuzzer.

Each check takes what it needs and returns a list of `ContractFailure`s, so one exchange can report
every broken rule at once. Nothing here asserts behaviour that only the reference mock chooses.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import httpx

from zuora_contract.failures import ContractFailure, TargetError
from zuora_contract.rules.conventions import category_of, statuses_for, version_mode
from zuora_contract.spec import load_spec, schema_errors

Failures = list[ContractFailure]


def body_of(response: httpx.Response) -> Any:
    """The JSON body, or None when there is none or it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None


def is_refusal(response: httpx.Response) -> bool:
    """True for an error under either convention: a 4xx/5xx, or HTTP 200 carrying `success: false`."""
    if response.status_code >= 400:
        return True
    body = body_of(response)
    return response.status_code == 200 and isinstance(body, dict) and body.get("success") is False


def categories_in(body: Any) -> list[str]:
    """The categories of the envelope's reason codes, skipping codes that are not 8 digits."""
    reasons = body.get("reasons") if isinstance(body, dict) else None
    if not isinstance(reasons, list):
        return []
    found = (category_of(reason.get("code")) for reason in reasons if isinstance(reason, dict))
    return [category for category in found if category is not None]


def check_request_id(response: httpx.Response) -> Failures:
    """OAS-FULL components.headers: every response carries a 36-character Zuora-Request-Id."""
    value = response.headers.get("Zuora-Request-Id")
    if value is not None and len(value) == 36:
        return []
    return [ContractFailure("Zuora-Request-Id missing or malformed", repr(value), "a 36-character Zuora-Request-Id")]


@functools.cache
def _track_id_rule() -> tuple[re.Pattern[str], int]:
    schema = load_spec()["components"]["parameters"]["ZuoraTrackId"]["schema"]
    return re.compile(schema["pattern"]), int(schema["maxLength"])


def is_documented_track_id(value: str) -> bool:
    """True when the value obeys the documented Zuora-Track-Id rule (the echo of others is undocumented)."""
    pattern, max_length = _track_id_rule()
    return len(value) <= max_length and pattern.fullmatch(value) is not None


def check_track_id(response: httpx.Response, sent: str | None) -> Failures:
    """REF-HTML/OAS-FULL: a sent Zuora-Track-Id is echoed identically; none sent, none returned."""
    echoed = response.headers.get("Zuora-Track-Id")
    if sent is None and echoed is not None:
        return [ContractFailure("Zuora-Track-Id returned though none was sent", repr(echoed), "no Zuora-Track-Id")]
    if sent is not None and echoed != sent:
        return [
            ContractFailure(
                f"Zuora-Track-Id not echoed on HTTP {response.status_code}",
                repr(echoed),
                repr(sent),
                "clients correlate their logs with Zuora's by this header",
            )
        ]
    return []


def check_json_content_type(response: httpx.Response) -> Failures:
    """REF-HTML: bodies are application/json; a client that checks the media type refuses others."""
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media == "application/json":
        return []
    return [
        ContractFailure(
            "Content-Type is not application/json",
            repr(response.headers.get("Content-Type")),
            "application/json",
            "zuora-sdk refuses a response whose content type it does not support",
        )
    ]


def check_not_server_error(response: httpx.Response) -> Failures:
    """A client mistake is refused with a 4xx or the legacy 200 envelope, never a 5xx."""
    if response.status_code < 500:
        return []
    return [ContractFailure("server error for a client mistake", f"HTTP {response.status_code}", "a 4xx or HTTP 200")]


def check_error_envelope(response: httpx.Response) -> Failures:
    """OAS-OTC: 4XX and 200-error bodies are CommonResponse; 500 bodies are ErrorResponse."""
    body = body_of(response)
    if response.status_code == 401 and isinstance(body, dict) and "success" not in body:
        # CONFLICT (spec §2.4): the SDK documents {message} for 401; accept it beside CommonResponse.
        component = "ProxyUnauthorizedResponse"
    elif response.status_code >= 500:
        component = "ErrorResponse"
    else:
        component = "CommonResponse"
    problems = schema_errors(component, body)
    if component == "ProxyUnauthorizedResponse" and not isinstance(body.get("message"), str):
        problems.append("a 401 body is either CommonResponse or {message: string}; this is neither")
    if component == "CommonResponse" and isinstance(body, dict):
        if body.get("success") is not False:
            problems.append("`success` is not false (zuora-sdk reads a missing `success` as true)")
        codes = [reason.get("code") for reason in body.get("reasons") or [] if isinstance(reason, dict)]
        if not codes or any(category_of(code) is None for code in codes):
            problems.append(f"reasons[].code must be 8-digit codes, got {codes!r}")
    if not problems:
        return []
    return [
        ContractFailure(
            f"error body is not a {component}",
            "; ".join(problems[:5]),
            f"the {component} envelope",
            "clients read `success` and `reasons` to learn that and why a call failed",
        )
    ]


def check_version_convention(response: httpx.Response, sent_version: str | None) -> Failures:
    """DEV-UPGRADES: before 2024-05-20 errors are HTTP 200 + success:false; from it, the category's status."""
    mode = version_mode(sent_version)
    body = body_of(response)
    # 401 comes from the gateway, and 409/422 are DEV-IDEMP's own statuses; neither follows the convention.
    if response.status_code in {401, 409, 422} or not is_refusal(response) or not isinstance(body, dict):
        return []
    categories = set(categories_in(body))
    if not categories:
        # The convention maps a code's category to a status; a body without one (a gateway's 403, 429
        # or 503) is outside it.
        return []
    if mode == "legacy" and response.status_code != 200:
        return [
            ContractFailure(
                f"error under Zuora-Version {sent_version} is not HTTP 200",
                f"HTTP {response.status_code}",
                "HTTP 200 with success:false, as every version before 2024-05-20 answers",
            )
        ]
    if mode == "modern" or (mode == "tenant-default" and response.status_code != 200):
        if response.status_code == 200:
            return [
                ContractFailure(
                    f"error under Zuora-Version {sent_version} returned as HTTP 200",
                    "HTTP 200 with success:false",
                    "the HTTP status of the code's category (versions from 2024-05-20)",
                )
            ]
        allowed = set().union(*(statuses_for(category) for category in categories))
        if response.status_code not in allowed:
            return [
                ContractFailure(
                    "HTTP status does not match the error code's category",
                    f"HTTP {response.status_code} for categories {sorted(categories)}",
                    f"one of {sorted(allowed)}",
                )
            ]
    return []


def check_refusal_category(response: httpx.Response, categories: frozenset[str]) -> Failures:
    """The refusal's reasons carry one of the expected categories (inferred where Zuora is silent)."""
    body = body_of(response)
    found = set(categories_in(body))
    if found & categories:
        return []
    return [
        ContractFailure(
            "refusal has an unexpected error category", repr(sorted(map(str, found))), repr(sorted(categories))
        )
    ]


# Answers that say nothing about the rule under test: auth lost mid-run, permission, lock contention,
# an idempotency clash, a rate limit, or a gateway that is temporarily down (DEV-ERRHANDLING: retryable).
UNJUDGEABLE_STATUSES = {401: "11", 403: "10", 409: "50", 422: "", 429: "70", 502: "", 503: "", 504: ""}


def require_judgeable(response: httpx.Response, what: str = "this rule") -> None:
    """Raise `TargetError` (reported as error) when the answer is about something other than the rule."""
    categories = set(categories_in(body_of(response))) if is_refusal(response) else set()
    blocking = {category for category in UNJUDGEABLE_STATUSES.values() if category} & categories
    if response.status_code in UNJUDGEABLE_STATUSES or blocking:
        request = response.request
        raise TargetError(
            f"{request.method} {request.url.path} answered HTTP {response.status_code} (categories "
            f"{sorted(categories)}), which does not exercise {what}: rate-limited, locked or unavailable; "
            "could not judge"
        )
