"""When a transient answer may be retried, and how long to wait, so a busy sandbox is an error, never a verdict.

Zuora documents 429 (rate or concurrency limit, with Retry-After) and 502/503/504 as retryable with
backoff (spec §2.5, §2.6). A retry must never execute an invoice schedule twice, so a request is re-sent:
- always when the caller says re-sending is harmless (`safe`: reads, pause, resume, delete, token);
- under `auto` (the default): when the method cannot execute anything twice (GET, HEAD, PUT, DELETE) or
  the request carries an Idempotency-Key (re-sent with the same key), or when the answer says the
  request was not processed at all: 429, 503, or a connection that was never made;
- never under `never`: the transient answer goes back to the caller as it is.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from typing import Literal

import httpx

from zuora_contract.failures import TargetError

Retry = Literal["auto", "safe", "never"]
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
# Answers that say the request was refused before it was processed, so re-sending cannot repeat it.
NOT_PROCESSED_STATUSES = frozenset({429, 503})
# Failures before a request left this machine; anything later (a read timeout, a dropped connection) is
# ambiguous: the target may have executed it.
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
MAX_ATTEMPTS = 8
FIRST_DELAY = 0.2
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
RATE_LIMITED = "rate-limited; could not judge"


class Unretryable(TargetError):
    """A transient answer that no retry may follow (it could execute twice), so the request was not judged."""


class RetryBudget:
    """Seconds the whole run may spend waiting before retries; shared by every thread of the run."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spent = 0.0
        self.retries = 0
        self._lock = threading.Lock()

    def take(self, wait: float) -> bool:
        """Reserve `wait` seconds of the budget; False when that would overspend it."""
        with self._lock:
            if self.spent + wait > self.seconds:
                return False
            self.spent += wait
            self.retries += 1
            return True


def retry_after(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds (a number or an HTTP date), capped; None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = moment.timestamp() - time.time()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def delay(attempt: int, response: httpx.Response | None = None) -> float:
    """Retry-After when the target gave one, else exponential backoff with a little jitter."""
    stated = retry_after(response) if response is not None else None
    if stated is not None:
        return stated
    return min(FIRST_DELAY * 2.0**attempt, MAX_DELAY) * (1 + random.random() / 4)


def may_retry(policy: Retry, request: httpx.Request, answer: int | Exception) -> bool:
    """True when re-sending after this answer (a status code or a transport error) cannot execute twice."""
    if policy == "never":
        return False
    if isinstance(answer, Exception):
        if not isinstance(answer, TRANSIENT_ERRORS):
            return False
        not_processed = isinstance(answer, NOT_SENT_ERRORS)
    elif answer not in TRANSIENT_STATUSES:
        return False
    else:
        not_processed = answer in NOT_PROCESSED_STATUSES
    harmless = request.method in IDEMPOTENT_METHODS or "Idempotency-Key" in request.headers
    return policy == "safe" or harmless or not_processed


def describe(answer: int | Exception) -> str:
    """`HTTP 503` or `ConnectError: ...`, for messages."""
    if isinstance(answer, Exception):
        return f"{type(answer).__name__}: {answer}"
    return f"HTTP {answer}"
