"""Run settings read from the environment only, so secrets never pass through argv or files."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from zuora_contract.failures import ConfigError


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

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value of the run, for scrubbing output."""
        return tuple(value for value in (self.client_secret, self.bearer_token) if value)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


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
    try:
        wait_seconds = float(env.get("ZUORA_WAIT_SECONDS") or 15.0)
    except ValueError:
        raise ConfigError(
            f"ZUORA_WAIT_SECONDS must be a number of seconds, got {env.get('ZUORA_WAIT_SECONDS')!r}"
        ) from None
    orders = tuple(part.strip() for part in (env.get("ZUORA_ORDER_NUMBERS") or "").split(",") if part.strip())
    return Settings(
        base_url=base_url,
        client_id=client_id,
        client_secret=client_secret,
        bearer_token=bearer,
        version=_clean(env.get("ZUORA_VERSION")),
        account_key=_clean(env.get("ZUORA_ACCOUNT_KEY")),
        order_numbers=orders,
        strict=_flag(env.get("STRICT")),
        target_name=_clean(env.get("ZUORA_TARGET_NAME")),
        report_dir=_clean(env.get("ZUORA_REPORT_DIR")) or "reports",
        wait_seconds=wait_seconds,
    )
