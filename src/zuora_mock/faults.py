"""Injected faults and latency: a WSGI wrapper, so clients can rehearse 429/503 retries against the mock.

A faulted request is answered here and never reaches the app, so it changes no state (no bill run,
no idempotency entry): exactly what a gateway refusal looks like to a client.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterable
from http import HTTPStatus
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from zuora_mock.encoding import MAX_BODY_BYTES
from zuora_mock.errors import RESOURCE_CODE, ApiError, Category, envelope
from zuora_mock.messages import JSON_TYPE, Request, json_reply
from zuora_mock.tracing import new_request_id, track_id

FAULT_STATUSES = (429, 503)
# What a gateway in front of Zuora can refuse with; other statuses would not be faults a client retries.
INJECTABLE = frozenset({429, 500, 502, 503, 504})
# Small, so a retrying client is exercised without slowing a test run; Zuora documents seconds here.
RETRY_AFTER_SECONDS = 1
_MESSAGES = {
    429: "Your request rate has exceeded the limit. Please resubmit later.",
    503: "The service is temporarily unavailable. Please retry later.",
}


def fault_body(status: int, request_id: str) -> bytes:
    """Return Zuora's body for an injected fault: CommonResponse (category 70) or ErrorResponse (category 60)."""
    if status == 429:
        return json_reply(429, envelope(ApiError(Category.OVER_LIMIT, _MESSAGES[429]), request_id)).body
    code = f"{RESOURCE_CODE}{Category.INTERNAL.value:02d}"
    # Zuora's 5xx body is ErrorResponse: reasons only, no success flag or process id.
    return json_reply(status, {"reasons": [{"code": code, "message": _MESSAGES.get(status, _MESSAGES[503])}]}).body


def _drain(environ: WSGIEnvironment) -> None:
    # Read the unread body (up to the cap) so the server can keep the connection alive for the retry.
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY_BYTES)
    except ValueError:
        return
    stream = environ.get("wsgi.input")
    while length > 0 and stream is not None:
        chunk = stream.read(min(length, 65536))
        if not chunk:
            return
        length -= len(chunk)


class FaultInjector:
    """Wraps the app: adds latency to every request and answers a seeded share of /v1 requests with a fault."""

    def __init__(
        self,
        app: WSGIApplication,
        rate: float,
        statuses: tuple[int, ...] = FAULT_STATUSES,
        seed: int | None = None,
        latency_ms: float = 0.0,
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, not {rate}")
        if (rate and not statuses) or not set(statuses) <= INJECTABLE:
            raise ValueError(f"fault statuses must be among {sorted(INJECTABLE)}, not {statuses}")
        self.app = app
        self.rate = rate
        self.statuses = statuses
        self.delay = max(0.0, latency_ms) / 1000
        self._random = random.Random(seed)
        # One lock, so a seed gives the same sequence of decisions in request-arrival order.
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Sleep the added latency, then either answer a fault or pass the request to the app untouched."""
        if self.delay:
            time.sleep(self.delay)
        status = self._draw(environ)
        if status is None:
            return self.app(environ, start_response)
        _drain(environ)
        request_id = new_request_id()
        body = fault_body(status, request_id)
        headers = [("Content-Type", JSON_TYPE), ("Zuora-Request-Id", request_id)]
        if (echo := _valid_track_id(environ)) is not None:
            headers.append(("Zuora-Track-Id", echo))
        if status == 429:
            headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]

    def _draw(self, environ: WSGIEnvironment) -> int | None:
        # Only the REST API proper is faulted: a client can always get a token, as Zuora never limits /oauth/token.
        if not self.rate or not str(environ.get("PATH_INFO", "")).startswith("/v1/"):
            return None
        if "zuora_mock.transport_error" in environ:
            return None  # the HTTP layer already refused it; the app answers that with its own envelope
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            return self._random.choice(self.statuses)


def _valid_track_id(environ: WSGIEnvironment) -> str | None:
    # Echo the caller's Zuora-Track-Id like every other answer; one Zuora forbids is not echoed.
    try:
        return track_id(Request.from_environ(environ))
    except ApiError:
        return None
