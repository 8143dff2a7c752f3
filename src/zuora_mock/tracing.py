"""Request ids the mock mints and track ids the caller sends, which Zuora echoes only when valid."""

from __future__ import annotations

import os
import re

from zuora_mock.errors import ApiError, Category
from zuora_mock.messages import Request

TRACK_ID_MAX = 64
# Printable US-ASCII without the four characters Zuora forbids (: ; " ').
_TRACK_ID = re.compile(r"^[\x20-\x7e]*$")
_FORBIDDEN = frozenset(":;\"'")
# The RFC 4122 variant digit (8, 9, a or b) for any random hex digit.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def new_request_id() -> str:
    """Return a fresh Zuora-Request-Id: a 36-character random (version 4) UUID, as Zuora documents.

    Formatted by hand: str(uuid.uuid4()) costs three times as much, on every answer.
    """
    d = os.urandom(16).hex()
    return f"{d[:8]}-{d[8:12]}-4{d[13:16]}-{_VARIANT[d[16]]}{d[17:20]}-{d[20:]}"


def track_id(request: Request) -> str | None:
    """Return the caller's Zuora-Track-Id, or refuse one Zuora's rules forbid so it is never echoed."""
    value = request.header("zuora-track-id")
    if value is None:
        return None
    if len(value) > TRACK_ID_MAX:
        raise ApiError(Category.INVALID_VALUE, f"Zuora-Track-Id must be at most {TRACK_ID_MAX} characters.")
    if not _TRACK_ID.match(value) or _FORBIDDEN & set(value):
        raise ApiError(Category.INVALID_VALUE, "Zuora-Track-Id must be US-ASCII without ':', ';', '\"' or \"'\".")
    return value
