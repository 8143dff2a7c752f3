"""Zuora's error envelope (CommonResponse) and 8-digit codes, so every failure has one shape."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from enum import IntEnum

# Zuora derives the first six digits from the payload's object and field; the real table is undocumented,
# so the mock uses 500000 ("unknown object, unknown field"), which Zuora documents for payload-less calls.
RESOURCE_CODE = "500000"
# Zuora's code for an invalid credential in the request header.
AUTH_CODE = "90000011"

JsonObject = dict[str, object]


class Category(IntEnum):
    """The last two digits of a Zuora error code: what kind of failure it was."""

    PERMISSION = 10
    AUTHENTICATION = 11
    INVALID_VALUE = 20
    UNKNOWN_FIELD = 21
    MISSING_FIELD = 22
    RULE_RESTRICTION = 30
    NOT_FOUND = 40
    UNSUPPORTED = 45
    LOCK_CONTENTION = 50
    INTERNAL = 60
    OVER_LIMIT = 70
    MALFORMED = 90


class ApiError(Exception):
    """A client-visible failure; the app renders it as a CommonResponse at the status the version calls for."""

    def __init__(
        self,
        category: Category,
        message: str,
        *,
        status: int | None = None,
        headers: Sequence[tuple[str, str]] = (),
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.category = category
        self.message = message
        # A fixed status is the gateway speaking (401, 404 path, 405, 422, 429): no version changes it.
        self.status = status
        self.headers = list(headers)
        self.code = code or f"{RESOURCE_CODE}{category.value:02d}"


def new_process_id() -> str:
    """Return a Zuora-style process id (16 upper-case hex digits), unique enough to find a call in logs."""
    return secrets.token_hex(8).upper()


def envelope(error: ApiError, request_id: str) -> JsonObject:
    """Return the CommonResponse body for a failure, carrying the same request id as the header."""
    return {
        "success": False,
        "processId": new_process_id(),
        "reasons": [{"code": error.code, "message": error.message}],
        "requestId": request_id,
    }


def success_envelope(request_id: str) -> JsonObject:
    """Return the CommonResponse body of an operation that has nothing else to say (DELETE)."""
    return {"success": True, "processId": new_process_id(), "requestId": request_id, "reasons": []}


# Zuora's documented 500 body (ErrorResponse): reasons only, no process or request id.
SYSTEM_ERROR: JsonObject = {"reasons": [{"code": "SystemError", "message": "internal server error"}]}


def not_found(what: str, key: str) -> ApiError:
    """Return the category-40 error for a key that names nothing the mock holds."""
    return ApiError(Category.NOT_FOUND, f"{what} {key!r} does not exist.")


def unauthenticated() -> ApiError:
    """Return the gateway's 401 for a missing, unknown or expired bearer token."""
    challenge = "Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API"
    return ApiError(
        Category.AUTHENTICATION,
        "Authentication error",
        status=401,
        headers=[("WWW-Authenticate", challenge)],
        code=AUTH_CODE,
    )
