"""Idempotency-Key: the first answer is stored per client and key, then replayed instead of re-running."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from zuora_mock.errors import ApiError, Category
from zuora_mock.messages import Reply, Request

KEY_MAX = 255


@dataclass(slots=True)
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
        # Answered keys, oldest first (wall-clock time, key, entry): the eviction queue.
        self._finished: deque[tuple[float, tuple[str, str], _Entry]] = deque()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def oldest_finished(self) -> float | None:
        """Return when the oldest answered key was stored (wall clock), or None if none is."""
        return self._finished[0][0] if self._finished else None

    def evict_oldest(self) -> None:
        """Forget the oldest answered key, unless it has been claimed afresh since (after expiring)."""
        with self._lock:
            if not self._finished:
                return  # another thread evicted it first
            _, key, entry = self._finished.popleft()
            if self._entries.get(key) is entry:
                del self._entries[key]

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
                self._finished.append((time.time(), (client, key), entry))

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
