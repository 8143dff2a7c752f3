"""What one pytest session knows about the run: stash keys, its settings and its report."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from zuora_contract.cassettes.recording import Mode, cassette_mode
from zuora_contract.report.divergences import Divergence
from zuora_contract.report.exchanges import ExchangeLog
from zuora_contract.report.results import Report
from zuora_contract.settings import Settings, environment, load_settings

REPORT_KEY = pytest.StashKey[Report]()
SETTINGS_KEY = pytest.StashKey[Settings]()
DIVERGENCES_KEY = pytest.StashKey[dict[str, Divergence]]()
LOG_KEY = pytest.StashKey[ExchangeLog]()
FATAL_KEY = pytest.StashKey[str]()
RESULT_PROPERTY = "zuora_result"
TARGET_PROPERTY = "zuora_target"
TENANT_OUTPUT = "zuora_tenant"


def is_worker(config: pytest.Config) -> bool:
    """True in a pytest-xdist worker, which neither prints the summary nor writes reports."""
    return hasattr(config, "workerinput")


def session_settings(config: pytest.Config, mode: Mode) -> Settings:
    """The environment's settings with the session's own options on top."""
    # A replay talks to no target, so the live target's variables must neither apply nor be required.
    live_only = {"ZUORA_BASE_URL", "ZUORA_CLIENT_ID", "ZUORA_CLIENT_SECRET", "ZUORA_BEARER_TOKEN"}
    settings = load_settings(
        {k: v for k, v in environment().items() if k not in live_only} if mode == "replay" else None
    )
    overrides: dict[str, Any] = {}
    # pytest owns --strict; we read it too, so `pytest --strict` also makes `should` rules binding.
    if config.getoption("strict", default=False):
        overrides["strict"] = True
    if config.getoption("target_name"):
        overrides["target_name"] = config.getoption("target_name")
    if config.getoption("report_dir"):
        overrides["report_dir"] = config.getoption("report_dir")
    return dataclasses.replace(settings, **overrides)


def report_of(config: pytest.Config) -> Report:
    """The run's report, made on first use (the xdist controller never opens the target itself)."""
    if REPORT_KEY not in config.stash:
        settings = config.stash.get(SETTINGS_KEY, None) or session_settings(config, cassette_mode(config))
        config.stash[SETTINGS_KEY] = settings
        config.stash[REPORT_KEY] = Report(
            settings.target_name or "", settings.base_url or "", "", settings.version, settings.strict
        )
    return config.stash[REPORT_KEY]
