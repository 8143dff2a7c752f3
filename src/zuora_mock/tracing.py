"""Request ids the mock mints and track ids the caller sends, which Zuora echoes only when valid."""

from __future__ import annotations

import re
import uuid

from zuora_mock.errors import ApiError, Category
from zuora_mock.messages import Request

TRACK_ID_MAX = 64
# Printable US-ASCII without the four characters Zuora forbids (: ; " ').
_TRACK_ID = re.compile(r"^[\x20-\x7e]*$")
_FORBIDDEN = frozenset(":;\"'")


def new_request_id() -> str:
    """Return a fresh Zuora-Request-Id: a 36-character UUID, as Zuora documents."""
    return str(uuid.uuid4())


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
