"""Idempotency-Key: the first answer is stored per client and key, then replayed instead of re-running."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from zuora_mock.errors import ApiError, Category
from zuora_mock.messages import Reply, Request

KEY_MAX = 255


@dataclass
class _Entry:
    method: str
    path: str
    expires_at: float
    reply: Reply | None = None  # None while the first request is still running


def idempotency_key(request: Request) -> str | None:
    """Return the request's Idempotency-Key, refusing one longer than Zuora's 255 characters."""
    key = request.header("idempotency-key")
    if key is None:
        return None
    if len(key) > KEY_MAX:
        raise ApiError(Category.INVALID_VALUE, f"Idempotency-Key must be at most {KEY_MAX} characters.")
    return key


class IdempotencyStore:
    """Remembers answers by (client, key) for ttl seconds; thread-safe so racing retries see one owner."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()

    def begin(self, client: str, key: str, method: str, path: str) -> Reply | None:
        """Claim the key and return None, or return the stored reply; raise 409 or 422 when it cannot be used."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get((client, key))
            if entry is not None and entry.expires_at <= now:
                entry = None
            if entry is None:
                self._entries[(client, key)] = _Entry(method, path, now + self._ttl)
                return None
        if (entry.method, entry.path) != (method, path):
            raise ApiError(
                Category.INVALID_VALUE,
                "This Idempotency-Key was already used with a different method or path.",
                status=422,
            )
        if entry.reply is None:
            raise ApiError(
                Category.LOCK_CONTENTION, "A request with this Idempotency-Key is still in progress.", status=409
            )
        return Reply(entry.reply.status, entry.reply.body, list(entry.reply.headers))

    def finish(self, client: str, key: str, reply: Reply) -> None:
        """Store the answer of a claimed key; a 5xx releases the key instead, so the client can retry."""
        with self._lock:
            entry = self._entries.get((client, key))
            if entry is None:
                return
            if reply.status >= 500:
                del self._entries[(client, key)]
            else:
                entry.reply = Reply(reply.status, reply.body, list(reply.headers))

    def lookup_only(self, client: str, key: str, method: str, path: str) -> None:
        """Refuse a non-POST request that reuses a stored key elsewhere (422); otherwise the key is ignored."""
        with self._lock:
            entry = self._entries.get((client, key))
            clash = (
                entry is not None
                and entry.expires_at > time.monotonic()
                and (entry.method, entry.path) != (method, path)
            )
        if clash:
            raise ApiError(
                Category.INVALID_VALUE,
                "This Idempotency-Key was already used with a different method or path.",
                status=422,
            )
