"""The one implementation under test, reached over HTTP(S) through a single httpx client."""

from __future__ import annotations

import dataclasses
import json
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from zuora_contract.auth import BearerToken, OAuthClientCredentials
from zuora_contract.cassettes import ids
from zuora_contract.embedded import EmbeddedMock, start_embedded_mock
from zuora_contract.failures import ConfigError, TargetError
from zuora_contract.retry import (
    MAX_ATTEMPTS,
    NOT_SENT_ERRORS,
    RATE_LIMITED,
    TRANSIENT_ERRORS,
    TRANSIENT_STATUSES,
    Retry,
    RetryBudget,
    Unretryable,
    delay,
    describe,
    may_retry,
)
from zuora_contract.settings import Settings

SCHEDULES_PATH = "/v1/invoice-schedules"
EXECUTE_PATH = "/v1/invoice-schedules/{scheduleKey}/execute"
# Where a replayed run "sends" its requests: a reserved name that never resolves, so a request that no
# cassette answers fails instead of reaching a network.
REPLAY_BASE_URL = "http://replay.invalid"
EMBEDDED_NAME = "reference-mock"
# A hard cap on the schedules one run (one process) may create: a full run makes 76 plus at most 19 for fuzzing.
MAX_SCHEDULES = 120


@dataclass
class Target:
    """Where requests go, how they authenticate, and which Zuora-Version they carry by default."""

    name: str
    base_url: str
    origin: str
    client: httpx.Client = field(repr=False)
    settings: Settings = field(repr=False)
    embedded: EmbeddedMock | None = field(default=None, repr=False)
    retries: RetryBudget = field(default_factory=lambda: RetryBudget(0.0), repr=False)
    # Every schedule a request through this target created (ID → number), whoever sent it: cleanup settles them.
    created: dict[str, str] = field(default_factory=dict, repr=False)
    creates: int = 0

    @property
    def is_embedded(self) -> bool:
        """True when the run judges the reference mock the suite started itself."""
        return self.embedded is not None

    @property
    def replaying(self) -> bool:
        """True when cassettes answer every request (`make replay`)."""
        return self.base_url == REPLAY_BASE_URL

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        authenticate: bool = True,
        version: str | None = "default",
        retry: Retry = "auto",
    ) -> httpx.Response:
        """Send one request; `version="default"` uses ZUORA_VERSION, None sends no Zuora-Version.

        `retry` decides what a transient answer (429, 502-504, no connection) does; see `retry.py`.
        """
        sent = dict(headers or {})
        chosen = self.settings.version if version == "default" else version
        if chosen and not any(name.lower() == "zuora-version" for name in sent):
            sent["Zuora-Version"] = chosen
        if json_body is not None and content is None:
            content = json.dumps(json_body).encode()
            sent.setdefault("Content-Type", "application/json")
        request = self.client.build_request(method, path, content=content, headers=sent)
        return self.send(request, authenticate=authenticate, retry=retry)

    def send(
        self, request: httpx.Request, *, authenticate: bool = True, retry: Retry = "auto", reconnect: bool = True
    ) -> httpx.Response:
        """Send a built request, re-sending it after a transient answer only where that cannot execute twice."""
        auth: Any = httpx.USE_CLIENT_DEFAULT if authenticate else None
        where = f"{request.method} {request.url.path} to {self.base_url}"
        if _creates(request) and self.creates >= MAX_SCHEDULES:
            raise TargetError(f"the run would create more than {MAX_SCHEDULES} invoice schedules; not sent")
        for attempt in range(MAX_ATTEMPTS):
            response: httpx.Response | None = None
            try:
                with deferred_interrupt(_creates(request)):
                    response = self.client.send(request, auth=auth)
                    self._remember(request, response)
                answer: int | Exception = response.status_code
            except httpx.TransportError as error:
                answer = error
                if not isinstance(error, TRANSIENT_ERRORS) or (not reconnect and isinstance(error, NOT_SENT_ERRORS)):
                    raise TargetError(f"{where} failed: {describe(error)}") from None
            if response is not None and (answer not in TRANSIENT_STATUSES or retry == "never"):
                return response
            if not may_retry(retry, request, answer):
                raise Unretryable(
                    f"{where} got a transient answer ({describe(answer)}) that cannot be retried without risking "
                    "a second execution (no Idempotency-Key); could not judge"
                )
            wait = delay(attempt, response)
            if attempt + 1 == MAX_ATTEMPTS or not self.retries.take(wait):
                break
            time.sleep(wait)
        raise TargetError(
            f"{RATE_LIMITED}: {where} still got {describe(answer)} after {attempt + 1} attempts "
            f"({self.retries.spent:.1f}s of the run's {self.retries.seconds:g}s retry budget used)"
        )

    def _remember(self, request: httpx.Request, response: httpx.Response) -> None:
        """Register a schedule this request created, so no run leaves one behind unknown."""
        if not _creates(request) or response.status_code != 200:
            return
        try:
            body = response.json()
        except ValueError:
            return
        if isinstance(body, dict) and body.get("success") is not False and isinstance(body.get("id"), str):
            self.created[body["id"]] = str(body.get("number"))
            self.creates += 1

    def execute(self, schedule_key: str, body: Any, **kwargs: Any) -> httpx.Response:
        """POST the execute operation for one schedule."""
        return self.request("POST", EXECUTE_PATH.format(scheduleKey=schedule_key), json_body=body, **kwargs)

    def probe(self) -> None:
        """Fail fast, with one message, if the target is unreachable or refuses the run's credentials."""
        probe = self.client.build_request("GET", "/v1/bill-runs/00000000000000000000000000000000")
        if self.settings.version:
            probe.headers["Zuora-Version"] = self.settings.version
        # Not reconnecting: a target that is not there at the start is reported at once, not after backoff.
        response = self.send(probe, retry="safe", reconnect=False)
        if response.status_code == 401:
            raise TargetError(f"{self.base_url} refused the credentials (HTTP 401); check ZUORA_* credentials")

    def close(self) -> None:
        """Release the connection pool and stop the embedded mock, if any."""
        self.client.close()
        if self.embedded is not None:
            self.embedded.close()


def _creates(request: httpx.Request) -> bool:
    return request.method == "POST" and request.url.path.rstrip("/") == SCHEDULES_PATH


@contextmanager
def deferred_interrupt(active: bool = True) -> Iterator[None]:
    """Hold Ctrl-C until a create's answer is registered, so an interrupted run cannot lose a schedule."""
    if not active or threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt


def name_for(base_url: str) -> str:
    """`host:port` (or the host alone) names a target; `reference-mock` is kept for the embedded mock."""
    parts = urlsplit(base_url)
    host = parts.hostname or "target"
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{parts.port}" if parts.port else host


def open_target(settings: Settings) -> Target:
    """Resolve the target: ZUORA_BASE_URL if set, else start the embedded reference mock."""
    embedded: EmbeddedMock | None = None
    if settings.base_url is None:
        # A short processing delay keeps the default run fast; the rules allow any delay within the wait bound.
        embedded = start_embedded_mock(("--processing-delay", "0.05"))
        exports = embedded.exports
        settings = dataclasses.replace(
            settings,
            client_id=exports["ZUORA_CLIENT_ID"],
            client_secret=exports["ZUORA_CLIENT_SECRET"],
            account_key=settings.account_key or exports["ZUORA_ACCOUNT_KEY"],
        )
        base_url, origin, name = embedded.url, "embedded reference mock", EMBEDDED_NAME
    else:
        base_url, origin, name = settings.base_url, "ZUORA_BASE_URL", name_for(settings.base_url)
    retries = RetryBudget(settings.retry_budget)
    auth: httpx.Auth
    if settings.client_id and settings.client_secret:
        auth = OAuthClientCredentials(f"{base_url}/oauth/token", settings.client_id, settings.client_secret, retries)
    elif settings.bearer_token:
        auth = BearerToken(settings.bearer_token)
    else:  # pragma: no cover - load_settings refuses this combination
        raise ConfigError("no credential for the target")
    timeout = httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout))
    client = httpx.Client(base_url=base_url, auth=auth, timeout=timeout, headers={"User-Agent": "zuora-contract/0.1"})
    return Target(settings.target_name or name, base_url, origin, client, settings, embedded, retries)


class _SerialTransport(httpx.HTTPTransport):
    """Hands requests to VCR.py one at a time: its playback bookkeeping is not thread-safe."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Play one request while holding the lock (VCR.py patches the base class method)."""
        with self._lock:
            return super().handle_request(request)


def open_replay_target(settings: Settings) -> Target:
    """A target answered only by cassettes: no mock, no credentials (Authorization is never recorded)."""
    settings = dataclasses.replace(
        settings, base_url=REPLAY_BASE_URL, client_id=None, client_secret=None, bearer_token="replayed"
    )
    client = httpx.Client(
        base_url=REPLAY_BASE_URL,
        auth=BearerToken("replayed"),
        timeout=settings.timeout,
        headers={"User-Agent": "zuora-contract/0.1"},
        transport=_SerialTransport(),
    )
    return Target(settings.target_name or "replay", REPLAY_BASE_URL, "cassettes", client, settings)


def new_track_id() -> str:
    """A fresh Zuora-Track-Id that is legal by the documented rule; from `ids`, so a replay repeats it."""
    return ids.track_id()
