"""Fixtures for the SDK tests: the reference mock over HTTP, and a zuora-sdk client logged in through OAuth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sdk_support import CONFIG, SDK_DEFAULT_VERSION, Recorder

from zuora_mock.app import create_app
from zuora_mock.server import serve

# Imported once for the whole session: importing zuora_sdk takes about 15 s.
zuora_sdk = pytest.importorskip("zuora_sdk")
from zuora_sdk.zuora_client import ZuoraClient  # noqa: E402


@pytest.fixture
def wire() -> Recorder:
    """A fresh reference mock, wrapped so each test can see what the SDK sent."""
    return Recorder(create_app(CONFIG))


@pytest.fixture
def version() -> str:
    """The Zuora-Version the client works under; the SDK's own default unless a test says otherwise."""
    return SDK_DEFAULT_VERSION


@pytest.fixture
def sdk_client(wire: Recorder, version: str) -> Iterator[Any]:
    """A ZuoraClient initialised with the mock's demo credentials, as a user's application would build it."""
    with serve(wire, host="127.0.0.1", port=0) as server:
        client = ZuoraClient(CONFIG.client_id, CONFIG.client_secret, None, zuora_sdk.Configuration(host=server.url))
        if version != SDK_DEFAULT_VERSION:
            # A per-call zuora_version loses to the client's default header, so a legacy user changes the default.
            client.api_client.set_default_header("Zuora-Version", version)
        client.initialize()
        try:
            yield client
        finally:
            # stop_auto_auth() would wait 5 s for the refresh worker, which sleeps 10 minutes between refreshes;
            # setting its stop event is enough: the worker is a daemon thread and exits before refreshing again.
            client._stop_refresh.set()
            client.api_client.rest_client.pool_manager.clear()
