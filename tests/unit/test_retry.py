"""Transient answers are retried only where a retry cannot execute an invoice schedule twice."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from wsgiref.types import StartResponse, WSGIEnvironment

import httpx
import pytest

from zuora_contract.auth import BearerToken, OAuthClientCredentials
from zuora_contract.failures import TargetError
from zuora_contract.retry import RATE_LIMITED, RetryBudget, Unretryable, may_retry, retry_after
from zuora_contract.settings import Settings
from zuora_contract.target import MAX_SCHEDULES, Target
from zuora_mock.server import serve

EXECUTE = "/v1/invoice-schedules/IS-1/execute"


class Scripted:
    """A WSGI app that answers the scripted statuses in turn, then 200, and remembers what it was sent."""

    def __init__(self, *statuses: int, retry_after: str = "0") -> None:
        self.statuses = list(statuses)
        self.retry_after = retry_after
        self.seen: list[tuple[str, str, str | None]] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            environ["wsgi.input"].read(length)
        self.seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("HTTP_IDEMPOTENCY_KEY")))
        status = self.statuses.pop(0) if self.statuses else 200
        body = b'{"access_token": "t", "expires_in": 3600}' if status == 200 else b"{}"
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        start_response(f"{status} Scripted", [*headers, ("Retry-After", self.retry_after)])
        return [body]


Make = Callable[..., Target]


@pytest.fixture
def scripted() -> Iterator[Make]:
    """Targets served by Scripted apps, each with its own retry budget, closed after the test."""
    with ExitStack() as stack:

        def make(app: Scripted, budget: float = 5.0) -> Target:
            server = stack.enter_context(serve(app))
            client = stack.enter_context(httpx.Client(base_url=server.url, auth=BearerToken("t"), timeout=5))
            return Target("t", server.url, "test", client, Settings(), None, RetryBudget(budget))

        yield make


def _request(method: str, headers: dict[str, str] | None = None) -> httpx.Request:
    return httpx.Request(method, f"http://x{EXECUTE}", headers=headers or {})


@pytest.mark.parametrize(
    ("method", "headers", "answer", "expected"),
    [
        pytest.param("GET", {}, 502, True, id="read-after-502"),
        pytest.param("PUT", {}, 504, True, id="pause-after-504"),
        pytest.param("POST", {}, 429, True, id="execute-after-429-not-processed"),
        pytest.param("POST", {}, 503, True, id="execute-after-503-not-processed"),
        pytest.param("POST", {}, 502, False, id="execute-after-502-ambiguous"),
        pytest.param("POST", {}, 504, False, id="execute-after-504-ambiguous"),
        pytest.param("POST", {"Idempotency-Key": "k"}, 504, True, id="keyed-execute-after-504"),
        pytest.param("POST", {}, httpx.ConnectError("refused"), True, id="execute-never-sent"),
        pytest.param("POST", {}, httpx.ReadTimeout("slow"), False, id="execute-read-timeout-ambiguous"),
        pytest.param("GET", {}, httpx.ReadTimeout("slow"), True, id="read-timeout"),
        pytest.param("GET", {}, 500, False, id="server-error-is-an-answer"),
        pytest.param("GET", {}, httpx.UnsupportedProtocol("ftp"), False, id="not-transient-error"),
    ],
)
def test_retry_auto_policy_never_risks_a_second_execution(
    method: str, headers: dict[str, str], answer: int | Exception, expected: bool
) -> None:
    """`auto` re-sends reads, keyed requests and requests the target did not process; nothing else."""
    assert may_retry("auto", _request(method, headers), answer) is expected


def test_retry_safe_and_never_policies() -> None:
    """`safe` re-sends any transient answer; `never` re-sends nothing."""
    assert may_retry("safe", _request("POST"), 502)
    assert not may_retry("never", _request("GET"), 503)
    assert not may_retry("safe", _request("POST"), 400)


def test_retry_after_reads_seconds_and_dates() -> None:
    """Retry-After is a number of seconds or an HTTP date; unreadable values are ignored, long ones capped."""

    def answer(value: str) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": value})

    assert retry_after(answer("2")) == 2.0
    assert retry_after(answer("soon")) is None
    assert retry_after(answer("99999")) == 60.0
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (retry_after(answer(later)) or 0) <= 31


def test_target_retries_a_read_until_it_is_answered(scripted: Make) -> None:
    """A GET that meets 503, 429 and 502 is re-sent until the target answers."""
    app = Scripted(503, 429, 502)
    target = scripted(app)
    assert target.request("GET", "/v1/bill-runs/x").status_code == 200
    assert len(app.seen) == 4


def test_target_never_resends_an_unkeyed_execute_after_an_ambiguous_answer(scripted: Make) -> None:
    """A 502 to an execute without Idempotency-Key is not judged, and the execute is sent exactly once."""
    app = Scripted(502)
    target = scripted(app)
    with pytest.raises(Unretryable, match="could not judge"):
        target.request("POST", EXECUTE, json_body={})
    assert len(app.seen) == 1


def test_target_resends_a_keyed_execute_with_the_same_key(scripted: Make) -> None:
    """With an Idempotency-Key the execute is re-sent after a 504, carrying the same key."""
    app = Scripted(504)
    target = scripted(app)
    response = target.request("POST", EXECUTE, json_body={}, headers={"Idempotency-Key": "key-1"})
    assert response.status_code == 200
    assert [key for _, _, key in app.seen] == ["key-1", "key-1"]


def test_target_reports_a_spent_budget_as_rate_limited(scripted: Make) -> None:
    """Retries stop when the run's budget is spent: the request is an error, never a verdict."""
    app = Scripted(*[429] * 20, retry_after="0.4")
    target = scripted(app, budget=1.0)
    with pytest.raises(TargetError, match=RATE_LIMITED):
        target.request("GET", "/v1/bill-runs/x")
    assert len(app.seen) == 3  # two waits of 0.4s fit in 1s, a third does not


def test_target_never_mode_returns_the_transient_answer(scripted: Make) -> None:
    """`retry="never"` hands the 429 back to the caller untouched."""
    app = Scripted(429)
    target = scripted(app)
    assert target.request("GET", "/v1/bill-runs/x", retry="never").status_code == 429


def test_oauth_token_request_is_retried_after_429() -> None:
    """The token fetch waits out a 429 within the budget, then authenticates the request."""
    app = Scripted(429, 503)
    with serve(app) as server:
        auth = OAuthClientCredentials(f"{server.url}/oauth/token", "id", "secret", RetryBudget(5))
        with httpx.Client(base_url=server.url, auth=auth) as client:
            assert client.get("/v1/bill-runs/x").status_code == 200
    assert [path for _, path, _ in app.seen] == ["/oauth/token"] * 3 + ["/v1/bill-runs/x"]


def test_target_caps_the_schedules_a_run_creates(scripted: Make) -> None:
    """Past the cap a create is not sent at all, so a runaway run cannot flood the account."""
    app = Scripted()
    target = scripted(app)
    target.creates = MAX_SCHEDULES
    with pytest.raises(TargetError, match="more than"):
        target.request("POST", "/v1/invoice-schedules", json_body={})
    assert app.seen == []
