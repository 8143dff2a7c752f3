"""The knobs of one mock instance, frozen so every part of the app sees the same values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MockConfig:
    """Settings of one mock instance; the defaults mirror a Zuora tenant that never upgraded its API version."""

    # The version Zuora applies when a request sends no (or an unsupported) Zuora-Version header.
    tenant_version: str = "186.0"
    # Seconds an OAuth access token stays valid (Zuora: one hour).
    token_ttl: int = 3600
    # Seconds before a bill run created by execute finishes processing (half of it is spent Pending).
    processing_delay: float = 0.3
    # Seconds a stored Idempotency-Key answer is replayed (Zuora: 24 hours).
    idempotency_ttl: int = 86400
    # Requests allowed in flight at once on /v1 before 429 (Zuora's Default concurrency limit).
    concurrency_limit: int = 40
    # The demo OAuth client: 36 characters and a secret of at most 42, as zuora-sdk checks client-side.
    client_id: str = "demo0000-mock-4000-8000-000000000001"
    client_secret: str = "demo-secret-of-the-zuora-reference-mock"
    # Objects kept at most (a bill run counts 1, a schedule 1 plus its items, an idempotency key 1) before the
    # oldest finished ones are forgotten; about 50 MB of records, whatever the number of requests served.
    max_objects: int = 100_000
    # Share (0..1) of /v1 requests answered with an injected fault before they reach the app.
    fault_rate: float = 0.0
    # The statuses an injected fault picks from at random (429 carries Retry-After).
    fault_statuses: tuple[int, ...] = (429, 503)
    # Seed of the fault draws, so a run can be reproduced; None draws differently each time.
    fault_seed: int | None = None
    # Milliseconds added to every request before it is answered.
    latency_ms: float = 0.0
