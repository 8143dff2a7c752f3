"""Reading and parsing request bodies, so no client mistake in a body can reach the domain as a crash."""

from __future__ import annotations

import json

from zuora_mock.encoding import MAX_BODY_BYTES, decode_body, too_large
from zuora_mock.errors import ApiError, Category, JsonObject
from zuora_mock.messages import Request

_JSON_TYPES = ("application/json",)


def read_body(request: Request) -> bytes:
    """Read the raw body named by Content-Length, refusing an invalid length or one over the cap."""
    declared = request.header("content-length")
    if declared is None or not declared.strip():
        return b""
    try:
        length = int(declared.strip())
    except ValueError:
        raise ApiError(Category.INVALID_VALUE, "Content-Length must be a whole number.") from None
    if length < 0:
        raise ApiError(Category.INVALID_VALUE, "Content-Length must not be negative.")
    if length > MAX_BODY_BYTES:
        raise too_large()
    chunks: list[bytes] = []
    remaining = length
    while remaining > 0:
        chunk = request.stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _check_content_type(request: Request) -> None:
    # A missing Content-Type is tolerated (the body is tried as JSON); a present non-JSON one is refused.
    value = request.header("content-type")
    if value is None or not value.strip():
        return
    media = value.split(";", 1)[0].strip().lower()
    if media not in _JSON_TYPES and not media.endswith("+json"):
        raise ApiError(Category.UNSUPPORTED, f"Content-Type {media!r} is not supported; use application/json.")


def _refuse_constant(name: str) -> object:
    # Python's json accepts NaN and Infinity; JSON does not, and Zuora's parser would call them malformed.
    raise ValueError(f"{name} is not JSON")


def json_object(request: Request) -> JsonObject:
    """Return the request body as a JSON object; an empty, malformed or non-object body is category 90."""
    _check_content_type(request)
    body = decode_body(request.header("content-encoding"), read_body(request))
    if not body:
        raise ApiError(Category.MALFORMED, "The request body is required; send {} to give no fields.")
    try:
        document = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(Category.MALFORMED, "The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise ApiError(Category.MALFORMED, "The request body must be a JSON object.")
    return document
