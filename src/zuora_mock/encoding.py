"""gzip both ways: decompressing request bodies (with a size cap) and compressing large answers."""

from __future__ import annotations

import gzip
import zlib

from zuora_mock.errors import ApiError, Category

# Zuora compresses only answers over 1000 bytes.
GZIP_THRESHOLD = 1000
# The largest request body, compressed or not, the mock accepts; it protects the process, not a Zuora rule.
MAX_BODY_BYTES = 1 << 20


def too_large() -> ApiError:
    """Return the error for a body over the cap (category 20: the value is invalid, not malformed)."""
    return ApiError(Category.INVALID_VALUE, f"The request body exceeds {MAX_BODY_BYTES} bytes.")


def decode_body(content_encoding: str | None, raw: bytes) -> bytes:
    """Undo the request's Content-Encoding; only gzip and identity exist for Zuora."""
    coding = (content_encoding or "identity").strip().lower()
    if coding in ("", "identity"):
        return raw
    if coding not in ("gzip", "x-gzip"):
        raise ApiError(Category.UNSUPPORTED, f"Content-Encoding {coding!r} is not supported; use gzip.")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        # Inflate at most one byte over the cap, so a small gzip bomb cannot exhaust memory.
        body = inflater.decompress(raw, MAX_BODY_BYTES + 1)
    except zlib.error:
        raise ApiError(Category.MALFORMED, "The request body is not valid gzip data.") from None
    if len(body) > MAX_BODY_BYTES or inflater.unconsumed_tail:
        raise too_large()
    if not inflater.eof or inflater.unused_data:
        raise ApiError(Category.MALFORMED, "The request body is not valid gzip data.")
    return body


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Tell whether an Accept-Encoding value allows gzip (q > 0 for gzip, or for * without a gzip entry)."""
    if not accept_encoding:
        return False
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        weight = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        weights[coding.strip().lower()] = weight
    for coding in ("gzip", "x-gzip", "*"):
        if coding in weights:
            return weights[coding] > 0
    return False


def encode_body(accept_encoding: str | None, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    """Compress a large answer when the client allows gzip; return the body and the headers that say so."""
    headers = [("Vary", "Accept-Encoding")]
    if len(body) <= GZIP_THRESHOLD or not accepts_gzip(accept_encoding):
        return body, headers
    return gzip.compress(body, mtime=0), [*headers, ("Content-Encoding", "gzip")]
