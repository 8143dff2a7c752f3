"""Run settings read from the environment only, so secrets never pass through argv or files."""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from zuora_contract.failures import ConfigError

# Zuora's production REST hosts (spec §6.2). A run executes invoice schedules, which creates bill runs and
# draft invoices, so these are refused unless ZUORA_ALLOW_PRODUCTION=1 says the user means it.
PRODUCTION_HOSTS = frozenset({"rest.na.zuora.com", "rest.zuora.com", "rest.eu.zuora.com", "rest.ap.zuora.com"})
NUMBERED_VERSION = re.compile(r"^[0-9]+\.[0-9]+$")
DATED_VERSION = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Settings:
    """What the user chose for this run; `base_url` None means the embedded reference mock."""

    base_url: str | None = None
    client_id: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)
    bearer_token: str | None = field(default=None, repr=False)
    version: str | None = None
    account_key: str | None = None
    order_numbers: tuple[str, ...] = ()
    strict: bool = False
    target_name: str | None = None
    report_dir: str = "reports"
    # Bound on waiting for asynchronous progress (bill-run processing); sandboxes may need more.
    wait_seconds: float = 15.0
    # Every request's timeout, in seconds.
    timeout: float = 30.0
    # Seconds the whole run may spend waiting to retry transient answers (429, 502, 503, 504, no connection).
    retry_budget: float = 300.0
    # FUZZ=1/0; None leaves it to the target: on for the embedded mock and loopback, off for remote hosts.
    fuzz: bool | None = None

    @property
    def local(self) -> bool:
        """True for the embedded mock and loopback targets, where fuzzing costs nobody anything."""
        return self.base_url is None or is_loopback(self.base_url)

    @property
    def fuzz_enabled(self) -> bool:
        """Fuzz when asked (FUZZ=1 or --fuzz), else only where it is cheap and safe."""
        return self.local if self.fuzz is None else self.fuzz

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value of the run, for scrubbing output."""
        return tuple(value for value in (self.client_secret, self.bearer_token) if value)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def is_loopback(url: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1, which only this machine can reach."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _seconds(env: Mapping[str, str], name: str, default: float, positive: bool = False) -> float:
    raw = (env.get(name) or "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf") or (positive and value == 0):  # also refuses NaN
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}")
    return value


def _version(env: Mapping[str, str]) -> str | None:
    """ZUORA_VERSION: a numbered version (186.0) or a dated one (2024-05-20); anything else is a typo."""
    version = _clean(env.get("ZUORA_VERSION"))
    if version is None or NUMBERED_VERSION.match(version):
        return version
    if DATED_VERSION.match(version):
        try:
            datetime.date.fromisoformat(version)
            return version
        except ValueError:
            pass
    raise ConfigError(
        f"ZUORA_VERSION must be a numbered version such as 186.0 or a date such as 2024-05-20, got {version!r}"
    )


def _refuse_production(base_url: str, env: Mapping[str, str]) -> None:
    host = (urlsplit(base_url).hostname or "").rstrip(".").lower()
    if host in PRODUCTION_HOSTS and not _flag(env.get("ZUORA_ALLOW_PRODUCTION")):
        raise ConfigError(
            f"ZUORA_BASE_URL points at Zuora production ({host}): a run executes invoice schedules, which "
            "creates bill runs and draft invoices on the account; use a sandbox, or set ZUORA_ALLOW_PRODUCTION=1 "
            "if you really mean production"
        )


def _fuzz(env: Mapping[str, str]) -> bool | None:
    raw = (env.get("FUZZ") or "").strip().lower()
    if not raw:
        return None
    if raw in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        return _flag(raw)
    raise ConfigError(f"FUZZ must be 1 or 0, got {raw!r}")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the ZUORA_* variables, and refuse combinations that cannot work with one clear message."""
    env = os.environ if environ is None else environ
    base_url = _clean(env.get("ZUORA_BASE_URL"))
    if base_url is not None:
        base_url = base_url.rstrip("/")
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigError(
                f"ZUORA_BASE_URL must be an http(s) URL such as https://rest.test.zuora.com, got {base_url!r}"
            )
        _refuse_production(base_url, env)
    client_id = _clean(env.get("ZUORA_CLIENT_ID"))
    client_secret = _clean(env.get("ZUORA_CLIENT_SECRET"))
    if bool(client_id) != bool(client_secret):
        missing = "ZUORA_CLIENT_SECRET" if client_id else "ZUORA_CLIENT_ID"
        raise ConfigError(f"{missing} is not set: OAuth needs both ZUORA_CLIENT_ID and ZUORA_CLIENT_SECRET")
    bearer = _clean(env.get("ZUORA_BEARER_TOKEN"))
    if base_url is not None and not (client_id or bearer):
        raise ConfigError(
            "ZUORA_BASE_URL is set but no credential is: set ZUORA_CLIENT_ID and ZUORA_CLIENT_SECRET "
            "(OAuth client credentials) or ZUORA_BEARER_TOKEN"
        )
    if base_url is not None and not _clean(env.get("ZUORA_ACCOUNT_KEY")):
        raise ConfigError(
            "ZUORA_ACCOUNT_KEY is not set: name the account (ID or number) the suite may bill for test data"
        )
    orders = tuple(part.strip() for part in (env.get("ZUORA_ORDER_NUMBERS") or "").split(",") if part.strip())
    return Settings(
        base_url=base_url,
        client_id=client_id,
        client_secret=client_secret,
        bearer_token=bearer,
        version=_version(env),
        account_key=_clean(env.get("ZUORA_ACCOUNT_KEY")),
        order_numbers=orders,
        strict=_flag(env.get("STRICT")),
        target_name=_clean(env.get("ZUORA_TARGET_NAME")),
        report_dir=_clean(env.get("ZUORA_REPORT_DIR")) or "reports",
        wait_seconds=_seconds(env, "ZUORA_WAIT_SECONDS", 15.0),
        timeout=_seconds(env, "ZUORA_TIMEOUT", 30.0, positive=True),
        retry_budget=_seconds(env, "ZUORA_RETRY_BUDGET", 300.0),
        fuzz=_fuzz(env),
    )


# Every variable the suite reads, with what it does; the README's table lists the same names.
VARIABLES: dict[str, str] = {
    "ZUORA_BASE_URL": "the implementation to judge; unset: the embedded reference mock",
    "ZUORA_CLIENT_ID": "OAuth client id (with ZUORA_CLIENT_SECRET)",
    "ZUORA_CLIENT_SECRET": "OAuth client secret",
    "ZUORA_BEARER_TOKEN": "a fixed bearer token instead of OAuth client credentials",
    "ZUORA_ACCOUNT_KEY": "the account the suite may create invoice schedules on",
    "ZUORA_ORDER_NUMBERS": "comma-separated orders to associate with the schedules",
    "ZUORA_VERSION": "Zuora-Version sent on every request (a number such as 186.0 or a date such as 2025-08-12)",
    "ZUORA_TARGET_NAME": "the target's name in reports and divergence files",
    "ZUORA_REPORT_DIR": "where the reports are written (default reports)",
    "ZUORA_WAIT_SECONDS": "bound on each wait for asynchronous processing (default 15)",
    "ZUORA_TIMEOUT": "every request's timeout in seconds (default 30)",
    "ZUORA_RETRY_BUDGET": "seconds the run may spend retrying transient answers (default 300)",
    "ZUORA_ALLOW_PRODUCTION": "1 lets the suite run against Zuora's production hosts",
    "ZUORA_DIVERGENCES": "a divergence file other than divergences/<target>.toml",
    "ZUORA_CASSETTE_DIR": "where cassettes are recorded and replayed from (default cassettes)",
    "ZUORA_SCRUB_FIELDS": "extra JSON fields to scrub from recorded cassettes",
    "ZUORA_MOCK_MODULE": "the module started as the embedded mock (default zuora_mock; for tests)",
    "STRICT": "1 makes should rules binding",
    "FUZZ": "1 adds fuzzing against a remote host; 0 turns it off everywhere",
    "FUZZ_EXAMPLES": "examples per fuzzed operation",
    "FUZZ_SEED": "a seeded fuzz run instead of the derandomised default",
    "FUZZ_RATE": "fuzz requests per second (0: no limit)",
    "FUZZ_MAX_REQUESTS": "cap on the fuzz run's requests, provisioning included (0: none)",
}


def environment() -> Mapping[str, str]:
    """The process environment: read here and nowhere else in the suite."""
    return os.environ


def cassette_dir() -> str:
    """ZUORA_CASSETTE_DIR, else `cassettes` in the working directory."""
    return _clean(os.environ.get("ZUORA_CASSETTE_DIR")) or "cassettes"


def divergences_file() -> str | None:
    """ZUORA_DIVERGENCES, when the divergence file is not divergences/<target>.toml."""
    return _clean(os.environ.get("ZUORA_DIVERGENCES"))


def mock_module() -> str:
    """ZUORA_MOCK_MODULE: which module the embedded mock is started from (tests swap in a broken one)."""
    return _clean(os.environ.get("ZUORA_MOCK_MODULE")) or "zuora_mock"


def default_base_url(url: str) -> None:
    """A project's configured target, unless ZUORA_BASE_URL says otherwise.

    Set as the variable, so it is validated like one and pytest-xdist workers inherit it.
    """
    if not _clean(os.environ.get("ZUORA_BASE_URL")):
        os.environ["ZUORA_BASE_URL"] = url


FUZZ_NUMBERS = ("FUZZ_EXAMPLES", "FUZZ_SEED", "FUZZ_RATE", "FUZZ_MAX_REQUESTS")


def fuzz_number(environ: Mapping[str, str], name: str, default: float) -> float:
    """A FUZZ_* budget number; anything else is a configuration error naming the variable."""
    raw = (environ.get(name) or "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


def check_fuzz_numbers(environ: Mapping[str, str]) -> None:
    """Refuse a malformed fuzz budget before a run starts (without loading the fuzzer)."""
    for name in FUZZ_NUMBERS:
        fuzz_number(environ, name, 0.0)
