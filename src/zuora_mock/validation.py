"""Field checks for request bodies: each returns the parsed value or raises a category-20/22 error."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from zuora_mock.errors import ApiError, Category, JsonObject

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# Large enough for any invoice, small enough that float rendering stays exact to the cent.
MAX_AMOUNT = Decimal("1e13")


def invalid(field: str, expectation: str) -> ApiError:
    """Return the category-20 error naming the field and what it should have been."""
    return ApiError(Category.INVALID_VALUE, f"{field} {expectation}.")


def missing(field: str) -> ApiError:
    """Return the category-22 error for a required field that is absent or null."""
    return ApiError(Category.MISSING_FIELD, f"{field} is required.")


def optional_string(body: JsonObject, name: str, field: str, max_length: int | None = None) -> str | None:
    """Return an optional string field, refusing other types and over-long values."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(field, "must be a string")
    if max_length is not None and len(value) > max_length:
        raise invalid(field, f"must be at most {max_length} characters")
    return value


def required_string(body: JsonObject, name: str, field: str) -> str:
    """Return a required, non-empty string field."""
    value = optional_string(body, name, field)
    if value is None:
        raise missing(field)
    if not value:
        raise invalid(field, "must not be empty")
    return value


def optional_bool(body: JsonObject, name: str, field: str) -> bool | None:
    """Return an optional boolean field; JSON true/false only."""
    value = body.get(name)
    if value is None or isinstance(value, bool):
        return value
    raise invalid(field, "must be a boolean")


def optional_date(body: JsonObject, name: str, field: str) -> date | None:
    """Return an optional YYYY-MM-DD field; null or absent means blank."""
    value = optional_string(body, name, field)
    if value is None:
        return None
    if not _DATE.match(value):
        raise invalid(field, "must be a date in YYYY-MM-DD format")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(field, "must be a real calendar date") from None


def optional_list(body: JsonObject, name: str, field: str, max_items: int) -> list[object]:
    """Return an optional array field (absent or null is empty), refusing more than max_items."""
    value = body.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid(field, "must be an array")
    if len(value) > max_items:
        raise invalid(field, f"must have at most {max_items} entries")
    return value


def string_list(body: JsonObject, name: str, field: str, max_items: int) -> list[str]:
    """Return an optional array of strings."""
    values = optional_list(body, name, field, max_items)
    if not all(isinstance(value, str) for value in values):
        raise invalid(field, "must be an array of strings")
    return [str(value) for value in values]


def optional_decimal(body: JsonObject, name: str, field: str) -> Decimal | None:
    """Return an optional non-negative number; a numeric string counts too, as zuora-sdk sends Decimals so."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise invalid(field, "must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise invalid(field, "must be a finite number")
    text = value.strip() if isinstance(value, str) else str(value)
    if isinstance(value, str) and not _DECIMAL.match(text):
        raise invalid(field, "must be a number")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise invalid(field, "must be a number") from None
    if number < 0 or number > MAX_AMOUNT:
        raise invalid(field, f"must be between 0 and {MAX_AMOUNT:f}")
    return number


def custom_fields(body: JsonObject) -> JsonObject:
    """Return the custom fields (names ending in __c), which Zuora stores and returns as given."""
    return {name: value for name, value in body.items() if name.endswith("__c")}
