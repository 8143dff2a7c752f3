"""The fuzz transport is polite to a sandbox: it honours Retry-After within the retry budget and caps its requests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, ClassVar

import httpx
import hypothesis
import pytest
from tests.unit.test_retry import Scripted

from zuora_contract.failures import TargetError
from zuora_contract.fuzz.wiring import Budget, FuzzTransport
from zuora_contract.retry import RATE_LIMITED, RetryBudget
from zuora_contract.settings import Settings
from zuora_contract.target import Target
from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import serve


class _Case:
    """The slice of a schemathesis case the transport reads."""

    headers: ClassVar[dict[str, str]] = {}
    operation = SimpleNamespace(label="GET /v1/bill-runs/{billRunId}")

    def as_transport_kwargs(self, base_url: str) -> dict[str, Any]:
        return {"method": "GET", "url": f"{base_url}/v1/bill-runs/{'0' * 32}", "headers": {}}


def _budget(max_requests: int = 0) -> Budget:
    return Budget(5, None, 0.0, 1, 3, 1, 1, 1, 1, max_requests)


@pytest.fixture
def saturated() -> Iterator[str]:
    """A mock whose concurrency limit is zero, so every /v1 request gets 429 with Retry-After: 1."""
    with serve(create_app(MockConfig(concurrency_limit=0))) as server:
        yield server.url


def test_fuzz_transport_honours_retry_after_within_the_retry_budget(saturated: str) -> None:
    """A 429 is retried after its Retry-After until the run's retry budget is spent; then it is not judged."""
    with httpx.Client(base_url=saturated, headers={"Authorization": "Bearer unused"}) as client:
        target = Target("t", saturated, "test", client, Settings(), None, RetryBudget(1.5))
        transport = FuzzTransport(target, _budget())
        started = time.monotonic()
        with pytest.raises(TargetError, match=RATE_LIMITED):
            transport.send(_Case())
    assert sum(transport.sent.values()) == 1  # one generated case, however many attempts
    assert time.monotonic() - started >= 0.9


def test_fuzz_transport_reports_its_cap() -> None:
    """The cap on generated requests is reached exactly at max_requests; zero means no cap."""
    transport = FuzzTransport(SimpleNamespace(), _budget(max_requests=2))  # type: ignore[arg-type]
    transport.sent["x"] = 1
    assert not transport.exhausted()
    transport.sent["x"] = 2
    assert transport.exhausted()
    assert not FuzzTransport(SimpleNamespace(), _budget()).exhausted()  # type: ignore[arg-type]


class _ExecuteCase(_Case):
    """A generated execute without an Idempotency-Key."""

    operation = SimpleNamespace(label="POST /v1/invoice-schedules/{scheduleKey}/execute")

    def as_transport_kwargs(self, base_url: str) -> dict[str, Any]:
        return {"method": "POST", "url": f"{base_url}/v1/invoice-schedules/IS-1/execute", "headers": {}, "json": {}}


# Outside a property test Hypothesis warns that reject() is meant for one; the transport only runs inside one.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
def test_fuzz_transport_drops_an_execute_whose_gateway_answer_is_ambiguous() -> None:
    """A 502 to a generated execute is not judged: Hypothesis discards the case, and it is never re-sent."""
    app = Scripted(502)
    with serve(app) as server, httpx.Client(base_url=server.url, headers={"Authorization": "Bearer x"}) as client:
        target = Target("t", server.url, "test", client, Settings(), None, RetryBudget(5))
        transport = FuzzTransport(target, _budget())
        with pytest.raises(hypothesis.errors.UnsatisfiedAssumption):
            transport.send(_ExecuteCase())
    assert (len(app.seen), transport.not_judged) == (1, 1)
