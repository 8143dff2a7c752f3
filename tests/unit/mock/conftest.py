"""Fixtures for the reference mock's own tests: a fresh mock tenant on a free port, and a client for it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from mock_support import CONFIG, Api, get_token

from zuora_mock.app import create_app
from zuora_mock.server import MockServer, serve


@pytest.fixture
def server() -> Iterator[MockServer]:
    with serve(create_app(CONFIG)) as running:
        yield running


@pytest.fixture
def client(server: MockServer) -> Iterator[httpx.Client]:
    # Plain HTTP on loopback: verify=False only skips loading the CA bundle, which costs ~70 ms per client.
    with httpx.Client(base_url=server.url, timeout=5, verify=False) as http:
        yield http


@pytest.fixture
def api(client: httpx.Client) -> Api:
    return Api(client, get_token(client))
