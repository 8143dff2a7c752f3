"""Settings come from the environment, and unusable combinations get one clear message."""

from __future__ import annotations

import pytest

from zuora_contract.failures import ConfigError
from zuora_contract.settings import load_settings
from zuora_contract.target import name_for

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


OAUTH = {"ZUORA_CLIENT_ID": "id", "ZUORA_CLIENT_SECRET": "s", "ZUORA_ACCOUNT_KEY": "A1"}


@pytest.mark.parametrize(
    "url",
    ["https://rest.na.zuora.com", "https://rest.zuora.com/", "https://REST.EU.zuora.com", "https://rest.ap.zuora.com."],
)
def test_settings_refuse_production_hosts(url: str) -> None:
    """Production is refused before any request, naming the host, the reason and the override."""
    with pytest.raises(ConfigError) as raised:
        load_settings(OAUTH | {"ZUORA_BASE_URL": url})
    message = str(raised.value)
    assert "zuora.com" in message
    assert "bill runs and draft invoices" in message
    assert "ZUORA_ALLOW_PRODUCTION=1" in message


def test_settings_allow_production_when_told() -> None:
    """ZUORA_ALLOW_PRODUCTION=1 is the one way past the guard; sandboxes never need it."""
    assert load_settings(OAUTH | {"ZUORA_BASE_URL": "https://rest.zuora.com", "ZUORA_ALLOW_PRODUCTION": "1"})
    assert load_settings(OAUTH | {"ZUORA_BASE_URL": "https://rest.test.zuora.com"}).base_url


@pytest.mark.parametrize("version", ["186.0", "211.0", "2024-05-20", "2025-08-12"])
def test_settings_accept_numbered_and_dated_versions(version: str) -> None:
    """ZUORA_VERSION is a numbered version or a date."""
    assert load_settings({"ZUORA_VERSION": version}).version == version


@pytest.mark.parametrize("version", ["latest", "186", "2024-13-01", "2024/05/20", "v211.0"])
def test_settings_refuse_malformed_versions(version: str) -> None:
    """A typo in ZUORA_VERSION would silently select the tenant default, so it is refused."""
    with pytest.raises(ConfigError, match="ZUORA_VERSION must be"):
        load_settings({"ZUORA_VERSION": version})


def test_settings_read_timeout_retry_budget_and_fuzz() -> None:
    """Every request's timeout, the run's retry budget and the fuzz switch come from the environment."""
    settings = load_settings({"ZUORA_TIMEOUT": "5", "ZUORA_RETRY_BUDGET": "0", "FUZZ": "1"})
    assert (settings.timeout, settings.retry_budget, settings.fuzz) == (5.0, 0.0, True)
    assert load_settings({}).timeout == 30.0


@pytest.mark.parametrize(
    "env",
    [{"ZUORA_TIMEOUT": "0"}, {"ZUORA_TIMEOUT": "nan"}, {"ZUORA_RETRY_BUDGET": "-1"}, {"FUZZ": "maybe"}],
    ids=["zero-timeout", "nan-timeout", "negative-budget", "fuzz-word"],
)
def test_settings_refuse_unusable_numbers(env: dict[str, str]) -> None:
    """Numbers that cannot bound a run are refused with the variable's name."""
    with pytest.raises(ConfigError, match=next(iter(env))):
        load_settings(env)


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8080", True),
        ("http://127.1.2.3", True),
        ("http://localhost:1", True),
        ("http://[::1]:8080", True),
        ("https://rest.test.zuora.com", False),
        ("http://10.0.0.1", False),
    ],
)
def test_settings_fuzz_by_default_only_on_loopback(url: str, local: bool) -> None:
    """Fuzzing is on for the embedded mock and loopback, off for remote hosts unless FUZZ=1."""
    settings = load_settings({"ZUORA_BASE_URL": url, "ZUORA_BEARER_TOKEN": "t", "ZUORA_ACCOUNT_KEY": "A1"})
    assert settings.fuzz_enabled is local
    forced = load_settings({"ZUORA_BASE_URL": url, "ZUORA_BEARER_TOKEN": "t", "ZUORA_ACCOUNT_KEY": "A1", "FUZZ": "1"})
    assert forced.fuzz_enabled
    assert load_settings({}).fuzz_enabled
    assert not load_settings({"FUZZ": "0"}).fuzz_enabled


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("http://127.0.0.1:8080", "127.0.0.1:8080"),
        ("https://rest.test.zuora.com", "rest.test.zuora.com"),
        ("http://[::1]:9000", "[::1]:9000"),
    ],
)
def test_target_names_a_url_by_host_and_port(url: str, name: str) -> None:
    """Only the embedded mock is `reference-mock`; a served mock is named by where it listens."""
    assert name_for(url) == name
