"""The suite's OAuth: fetch once, re-fetch before expiry, and re-fetch once after a 401."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from zuora_contract.auth import OAuthClientCredentials
from zuora_contract.failures import TargetError
from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import serve

PROBE = "/v1/bill-runs/00000000000000000000000000000000"


@pytest.fixture
def mock_url() -> Iterator[str]:
    """A reference mock whose tokens live two seconds."""
    with serve(create_app(MockConfig(token_ttl=2))) as server:
        yield server.url


def _client(url: str, secret: str | None = None) -> tuple[httpx.Client, OAuthClientCredentials]:
    config = MockConfig()
    auth = OAuthClientCredentials(f"{url}/oauth/token", config.client_id, secret or config.client_secret)
    return httpx.Client(base_url=url, auth=auth), auth


def test_auth_reuses_a_valid_token(mock_url: str) -> None:
    """Two calls within the token's life fetch one token."""
    client, auth = _client(mock_url)
    with client:
        assert client.get(PROBE).status_code != 401
        assert client.get(PROBE).status_code != 401
    assert auth.fetches == 1


def test_auth_refetches_before_expiry(mock_url: str) -> None:
    """A token close to its stated expiry is replaced before it is used."""
    client, auth = _client(mock_url)
    with client:
        client.get(PROBE)
        time.sleep(1.2)
        assert client.get(PROBE).status_code != 401
    assert auth.fetches == 2


def test_auth_refetches_once_after_a_401(mock_url: str) -> None:
    """A token the server no longer honours is replaced once, and the request retried."""
    client, auth = _client(mock_url)
    auth._token, auth._expires_at = "revoked", time.monotonic() + 3600
    with client:
        assert client.get(PROBE).status_code != 401
    assert auth.fetches == 1


def test_auth_refused_credentials_raise_a_target_error_without_the_secret(mock_url: str) -> None:
    """Wrong credentials are a TargetError (the run cannot judge), and the secret is not in the message."""
    client, _ = _client(mock_url, secret="not-the-secret-value")
    with client, pytest.raises(TargetError) as raised:
        client.get(PROBE)
    assert "HTTP 401" in str(raised.value)
    assert "not-the-secret-value" not in str(raised.value)
