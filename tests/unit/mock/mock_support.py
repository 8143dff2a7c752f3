"""Helpers shared by the reference mock's tests (a module, not conftest, so its name cannot clash)."""

from __future__ import annotations

import importlib.util
import time
from typing import Any

import httpx
import pytest

from zuora_mock.config import MockConfig

CONFIG = MockConfig(processing_delay=0.05)
# The servers `python -m zuora_mock --server` offers; granian only when the `server` extra is installed.
SERVERS = [
    "stdlib",
    pytest.param(
        "granian",
        marks=pytest.mark.skipif(importlib.util.find_spec("granian") is None, reason="the server extra is missing"),
    ),
]
MODERN = "2025-08-12"
# Run dates far from today, so a bill run for an item is never confused with a no-item run (today).
ITEMS = [
    {"name": "Deposit", "runDate": "2030-01-10", "amount": 100},
    {"name": "Milestone", "runDate": "2030-02-10", "amount": "250.50"},
    {"name": "Final", "runDate": "2030-03-10", "amount": 49.5},
]


class Api:
    """A thin httpx wrapper that authenticates once and speaks the modern version unless told otherwise."""

    def __init__(self, client: httpx.Client, token: str) -> None:
        self.client = client
        self.token = token

    def request(
        self, method: str, path: str, *, headers: dict[str, str | None] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send one request with the bearer token and Zuora-Version 2025-08-12 (what zuora-sdk sends)."""
        sent = {"Authorization": f"Bearer {self.token}", "Zuora-Version": MODERN, **(headers or {})}
        return self.client.request(method, path, headers={k: v for k, v in sent.items() if v is not None}, **kwargs)

    def create(self, items: list[dict[str, Any]] | None = None, account: str = "A00000001") -> dict[str, Any]:
        """Create a schedule and return its body, failing the test if creation fails."""
        body = {"accountKey": account, "scheduleItems": items or ITEMS}
        response = self.request("POST", "/v1/invoice-schedules", json=body)
        assert response.status_code == 200, response.text
        created: dict[str, Any] = response.json()
        return created

    def execute(self, key: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        """Execute a schedule; body None sends {}."""
        return self.request("POST", f"/v1/invoice-schedules/{key}/execute", json={} if body is None else body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> dict[str, Any]:
        """GET a resource that must exist and return its body."""
        response = self.request("GET", path, **kwargs)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_for(self, path: str, field: str, value: str, timeout: float = 5.0) -> dict[str, Any]:
        """Poll a resource until field equals value; bounded so a stuck mock fails instead of hanging."""
        deadline = time.monotonic() + timeout
        while True:
            body = self.get(path)
            if body[field] == value or time.monotonic() > deadline:
                return body
            time.sleep(0.02)


def get_token(client: httpx.Client, config: MockConfig = CONFIG) -> str:
    """Fetch a token for the demo client."""
    form = {"client_id": config.client_id, "client_secret": config.client_secret, "grant_type": "client_credentials"}
    response = client.post("/oauth/token", data=form)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
