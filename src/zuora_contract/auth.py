"""Bearer authentication for the target: OAuth client credentials with refresh, or a fixed token."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from typing import Any

import httpx

from zuora_contract.failures import TargetError
from zuora_contract.retry import MAX_ATTEMPTS, RATE_LIMITED, TRANSIENT_STATUSES, RetryBudget, delay

# Re-fetch this long before the token's stated expiry, so no request races the deadline.
EXPIRY_MARGIN_SECONDS = 60.0


class BearerToken(httpx.Auth):
    """A token the user already holds (ZUORA_BEARER_TOKEN); nothing to refresh."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Attach the token unless the caller set Authorization on purpose (auth rule tests do)."""
        request.headers.setdefault("Authorization", f"Bearer {self._token}")
        yield request


class OAuthClientCredentials(httpx.Auth):
    """Zuora's OAuth client-credentials flow: fetch, re-fetch before expiry, and once after a 401."""

    requires_response_body = True

    def __init__(self, token_url: str, client_id: str, client_secret: str, retries: RetryBudget | None = None) -> None:
        self._token_url = token_url
        # The token request is harmless to repeat, so a 429/502/503/504 is retried within the run's budget.
        self._retries = retries or RetryBudget(0.0)
        self._client_id = client_id
        self._client_secret = client_secret
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.fetches = 0

    def _token_request(self) -> httpx.Request:
        form = {"client_id": self._client_id, "client_secret": self._client_secret, "grant_type": "client_credentials"}
        return httpx.Request("POST", self._token_url, data=form)

    def _accept(self, response: httpx.Response) -> str:
        response.read()
        if response.status_code != 200:
            raise TargetError(f"OAuth token request to {self._token_url} failed with HTTP {response.status_code}")
        try:
            payload: Any = response.json()
            token = str(payload["access_token"])
            lifetime = float(payload.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as error:
            raise TargetError(f"OAuth token response from {self._token_url} is unusable: {error}") from None
        with self._lock:
            self._token = token
            self._expires_at = time.monotonic() + lifetime - min(EXPIRY_MARGIN_SECONDS, lifetime / 2)
            self.fetches += 1
        return token

    def _fetch(self) -> Generator[httpx.Request, httpx.Response, str]:
        """Request a token, waiting out transient answers within the retry budget."""
        for attempt in range(MAX_ATTEMPTS):
            response = yield self._token_request()
            if response.status_code not in TRANSIENT_STATUSES:
                break
            wait = delay(attempt, response)
            if attempt + 1 == MAX_ATTEMPTS or not self._retries.take(wait):
                raise TargetError(
                    f"{RATE_LIMITED}: the OAuth token request to {self._token_url} still got "
                    f"HTTP {response.status_code} after {attempt + 1} attempts"
                )
            time.sleep(wait)
        return self._accept(response)

    def _current(self) -> str | None:
        with self._lock:
            return self._token if self._token and time.monotonic() < self._expires_at else None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send with a valid token; on a 401 fetch a new token and retry exactly once."""
        if "Authorization" in request.headers:
            yield request
            return
        token = self._current()
        if token is None:
            token = yield from self._fetch()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            token = yield from self._fetch()
            request.headers["Authorization"] = f"Bearer {token}"
            yield request
