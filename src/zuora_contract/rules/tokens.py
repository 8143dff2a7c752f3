"""DEV-TOKEN: the OAuth token answer, as a client parses it; a wrong type silently unauthenticates zuora-sdk."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx

from zuora_contract.failures import ContractFailure
from zuora_contract.rules.checks import Failures, body_of
from zuora_contract.target import Target

TOKEN_PATH = "/oauth/token"
FORM = "application/x-www-form-urlencoded"
ABSENT = object()
UNAUTHENTICATED = (
    "zuora-sdk leaves the client silently unauthenticated: ZuoraClient computes the expiry with "
    "timedelta(seconds=expires_in), which raises on a non-number, and its _auth() swallows the error, "
    "so every later call goes out without a token"
)
NO_TOKEN = "zuora-sdk leaves the client silently unauthenticated: it cannot build 'Bearer <access_token>'"


def request_token(target: Target) -> httpx.Response:
    """POST the run's client credentials to /oauth/token; the form stays inside this frame, never in output."""
    settings = target.settings
    form = {
        "client_id": settings.client_id,
        "client_secret": settings.client_secret,
        "grant_type": "client_credentials",
    }
    return target.request(
        "POST",
        TOKEN_PATH,
        content=urlencode(form).encode(),
        headers={"Content-Type": FORM, "Accept": "application/json"},
        authenticate=False,
        version=None,
    )


def _kind(value: Any) -> str:
    """The JSON type of a value, so a message says `"3600" (a JSON string)` rather than only `3600`."""
    if value is ABSENT:
        return "absent"
    if value is None:
        return "null"
    names = {bool: "boolean", str: "string", int: "number", float: "number", list: "array", dict: "object"}
    return f"a JSON {names.get(type(value), type(value).__name__)}"


def _check_expires_in(body: dict[str, Any]) -> Failures:
    value = body.get("expires_in", ABSENT)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return []
    shown = "" if value is ABSENT else f"{value!r:.40} "
    return [
        ContractFailure(
            "token answer's expires_in is not a JSON number",
            f"{shown}({_kind(value)})",
            "a JSON number of seconds, such as 3599",
            UNAUTHENTICATED,
        )
    ]


def _check_access_token(body: dict[str, Any]) -> Failures:
    # The token's value is a credential: a message names its type and length, never its characters.
    value = body.get("access_token", ABSENT)
    if isinstance(value, str) and value.strip():
        return []
    received = f"a JSON string of {len(value)} characters" if isinstance(value, str) else _kind(value)
    return [ContractFailure("token answer has no usable access_token", received, "a non-empty string", NO_TOKEN)]


def _check_token_type(body: dict[str, Any]) -> Failures:
    value = body.get("token_type", ABSENT)
    if isinstance(value, str) and value.lower() == "bearer":
        return []
    shown = f"{value!r:.40}" if isinstance(value, str) else _kind(value)
    consequence = "OAuth clients that honour token_type refuse to send a token that is not a bearer token"
    return [ContractFailure("token answer's token_type is not bearer", shown, '"bearer" (any case)', consequence)]


def check_token_response(response: httpx.Response) -> Failures:
    """DEV-TOKEN: 200 with a JSON object whose access_token, token_type and expires_in a client can use."""
    body = body_of(response)
    if response.status_code != 200 or not isinstance(body, dict):
        return [
            ContractFailure(
                "token request with the run's client credentials did not give a token",
                f"HTTP {response.status_code} with {_kind(body) if body is not None else 'no JSON body'}",
                "HTTP 200 with a JSON object",
                "no client can authenticate with these credentials",
            )
        ]
    return _check_access_token(body) + _check_token_type(body) + _check_expires_in(body)
