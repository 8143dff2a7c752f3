"""The concurrency gate (enforced) and the rate-limit window (reported only), with the headers they emit."""

from __future__ import annotations

import threading
import time

from zuora_mock.errors import ApiError, Category

RATE_LIMIT = 50000
RATE_WINDOW = 60


class ConcurrencyGate:
    """Counts /v1 requests in flight and refuses the one over the limit, as Zuora's gateway does."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._limit_header = ("Concurrency-Limit-Limit", str(limit))
        self._in_flight = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        """Take one slot for a request (give it back with leave), or raise the category-70 429 if none is free."""
        with self._lock:
            if self._in_flight >= self.limit:
                raise ApiError(
                    Category.OVER_LIMIT,
                    "Your total number of concurrent requests has exceeded the limit. Please resubmit later.",
                    status=429,
                    headers=[("Retry-After", "1")],
                )
            self._in_flight += 1

    def leave(self) -> None:
        """Give back the slot taken by enter."""
        with self._lock:
            self._in_flight -= 1

    def headers(self) -> list[tuple[str, str]]:
        """Return the Concurrency-Limit-* headers Zuora puts on /v1 answers."""
        remaining = max(0, self.limit - self._in_flight)  # one int read: no lock needed for a snapshot
        return [
            ("Concurrency-Limit-Type", "Default"),
            self._limit_header,
            ("Concurrency-Limit-Remaining", str(remaining)),
        ]


class RateWindow:
    """Counts requests per minute so the RateLimit-* headers move; the mock never refuses on rate."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window_start = 0.0
        self._count = 0

    def headers(self) -> list[tuple[str, str]]:
        """Count this request and return the RateLimit-* headers Zuora sends on every answer."""
        now = time.monotonic()
        with self._lock:
            if now - self._window_start >= RATE_WINDOW:
                self._window_start, self._count = now, 0
            self._count += 1
            remaining = max(0, RATE_LIMIT - self._count)
            reset = max(1, round(self._window_start + RATE_WINDOW - now))
        return [
            ("RateLimit-Limit", f"{RATE_LIMIT}, {RATE_LIMIT};w={RATE_WINDOW}"),
            ("RateLimit-Remaining", str(remaining)),
            ("RateLimit-Reset", str(reset)),
        ]
