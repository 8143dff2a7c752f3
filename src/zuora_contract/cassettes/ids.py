"""The one source of the suite's made-up values, seedable so a recording and its replay send the same ones.

Track ids, unknown keys, wrong tokens and Idempotency-Keys end up in request paths and headers, and a
replayed response echoes what was sent when it was recorded. Live runs draw from the system's
randomness (idempotency keys live 24 hours on a tenant, so runs must never repeat them); a recorded
test draws from a generator seeded with the seed stored in its cassette, so its replay repeats them.
"""

from __future__ import annotations

import random
import secrets
import threading

_lock = threading.Lock()
_generator: random.Random | None = None


def seed(value: str | None) -> None:
    """Draw from a generator seeded with `value` (a recorded test), or from system randomness (None)."""
    global _generator
    with _lock:
        _generator = None if value is None else random.Random(value)


def new_seed() -> str:
    """A fresh random seed, stored in a cassette when a test is recorded."""
    return secrets.token_hex(16)


def token_hex(nbytes: int) -> str:
    """`nbytes` random bytes as hex, like `secrets.token_hex`, from the current source."""
    with _lock:
        if _generator is None:
            return secrets.token_hex(nbytes)
        return _generator.getrandbits(8 * nbytes).to_bytes(nbytes, "big").hex()


def randbelow(limit: int) -> int:
    """A random integer in [0, limit), like `secrets.randbelow`, from the current source."""
    with _lock:
        if _generator is None:
            return secrets.randbelow(limit)
        return _generator.randrange(limit)


def track_id() -> str:
    """A Zuora-Track-Id that is legal by the documented rule: ASCII, no colon, semicolon or quote."""
    return f"contract-{token_hex(12)}"


def idempotency_key() -> str:
    """A fresh Idempotency-Key; unique per live run, repeated by a replay."""
    return f"contract-{token_hex(12)}"


def unknown_id() -> str:
    """A 32-hex ID that no tenant has issued (collision chance is negligible)."""
    return token_hex(16)
