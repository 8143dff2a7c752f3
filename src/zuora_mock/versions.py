"""Zuora-Version resolution and the two error-status conventions it selects."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from zuora_mock.errors import Category

# From this dated version on, error statuses follow the category; before it they are HTTP 200.
MODERN_SINCE = date(2024, 5, 20)
# Dated versions earlier than this are treated as garbage; Zuora only names dates from 2024 on.
EARLIEST_DATE = date(2000, 1, 1)
# The numbered minor versions Zuora documents (186.0 is the default of a never-upgraded tenant).
LEGACY_VERSIONS = frozenset(
    f"{n}.0"
    for n in (
        *(186, 187, 188, 189, 196, 206, 207, 211, 214, 215, 216, 223, 224, 230, 239),
        *(256, 257, 309, 314, 315, 329, 330, 336, 337, 338, 341),
    )
)
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The documented category -> HTTP status table for versions >= 2024-05-20.
_MODERN_STATUS = {
    Category.PERMISSION: 403,
    Category.AUTHENTICATION: 401,
    Category.INVALID_VALUE: 400,
    Category.UNKNOWN_FIELD: 400,
    Category.MISSING_FIELD: 400,
    Category.RULE_RESTRICTION: 400,
    Category.MALFORMED: 400,
    Category.NOT_FOUND: 404,
    Category.UNSUPPORTED: 415,
    Category.LOCK_CONTENTION: 409,
    Category.INTERNAL: 500,
    Category.OVER_LIMIT: 429,
}


def _dated(value: str) -> date | None:
    if not _DATED.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# Clients send one or two distinct values, on every request: remember the answers (bounded, as they are input).
@lru_cache(maxsize=256)
def is_supported(value: str) -> bool:
    """Tell whether Zuora would honour this Zuora-Version value rather than fall back to the default."""
    if value in LEGACY_VERSIONS:
        return True
    day = _dated(value)
    return day is not None and day >= EARLIEST_DATE


def resolve(header: str | None, tenant_version: str) -> str:
    """Return the version in effect: a supported header value wins, anything else means the tenant's."""
    value = (header or "").strip()
    return value if is_supported(value) else tenant_version


@lru_cache(maxsize=256)
def is_modern(version: str) -> bool:
    """Tell whether errors under this version carry their category's HTTP status instead of 200."""
    day = _dated(version)
    return day is not None and day >= MODERN_SINCE


def error_status(category: Category, modern: bool) -> int:
    """Return the HTTP status of a business or validation error under the version in effect."""
    if not modern:
        return 200
    return _MODERN_STATUS.get(category, 400)
