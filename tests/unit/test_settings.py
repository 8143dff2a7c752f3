"""Settings come from the environment, and unusable combinations get one clear message."""

from __future__ import annotations

import pytest

from zuora_contract.failures import ConfigError
from zuora_contract.settings import load_settings

REMOTE = {"ZUORA_BASE_URL": "https://sandbox.example.invalid/", "ZUORA_ACCOUNT_KEY": "A1"}


def test_settings_default_to_the_embedded_mock() -> None:
    """No ZUORA_BASE_URL means the embedded reference mock and no credentials."""
    settings = load_settings({})
    assert settings.base_url is None
    assert settings.version is None
    assert settings.wait_seconds == 15.0


def test_settings_read_a_remote_target_with_oauth() -> None:
    """A trailing slash is dropped and orders are split on commas."""
    env = REMOTE | {"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": "s", "ZUORA_ORDER_NUMBERS": "O-1, O-2,"}
    settings = load_settings(env)
    assert settings.base_url == "https://sandbox.example.invalid"
    assert settings.order_numbers == ("O-1", "O-2")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param(REMOTE, "no credential", id="no-credential"),
        pytest.param(REMOTE | {"ZUORA_CLIENT_ID": "id"}, "ZUORA_CLIENT_SECRET is not set", id="half-oauth"),
        pytest.param({"ZUORA_BASE_URL": "ftp://x"}, r"must be an http\(s\) URL", id="bad-scheme"),
        pytest.param({"ZUORA_BASE_URL": "http://h", "ZUORA_BEARER_TOKEN": "t"}, "ZUORA_ACCOUNT_KEY", id="no-account"),
        pytest.param({"ZUORA_WAIT_SECONDS": "soon"}, "ZUORA_WAIT_SECONDS", id="bad-wait"),
    ],
)
def test_settings_refuse_unusable_combinations(env: dict[str, str], message: str) -> None:
    """Each mistake names the variable to set."""
    with pytest.raises(ConfigError, match=message):
        load_settings(env)


def test_settings_never_show_secrets_in_repr() -> None:
    """Secrets stay out of tracebacks and logs."""
    settings = load_settings(REMOTE | {"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": "s3cr3t-value"})
    assert "s3cr3t-value" not in repr(settings)
    assert settings.secrets == ("s3cr3t-value",)
