"""Serve a mutant on loopback and run the contract suite against it in a child pytest process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.types import WSGIApplication

from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import serve

ROOT = Path(__file__).resolve().parents[2]
# Quick processing keeps each suite run short; the rules under test do not depend on the delay.
FAST = MockConfig(processing_delay=0.05)
SUITE_TIMEOUT = 240
# The packaged suite, run as an installed user runs it; its rules raise their own messages, so pytest need not
# rewrite assertions (which, without cached bytecode, re-compiles every plugin module in every run).
SUITE = ("--pyargs", "zuora_contract.suite", "--assert=plain")


@dataclass(frozen=True)
class SuiteRun:
    """The verdict and per-rule outcomes of one suite run."""

    exit_code: int
    verdict: str
    outcomes: dict[str, str]
    output: str

    def failed(self) -> set[str]:
        """Rule ids that failed or warned (a warning is a caught `should` defect)."""
        return {rule for rule, outcome in self.outcomes.items() if outcome in {"failed", "warning"}}

    def message(self, rule: str, report: dict[str, Any]) -> str:
        return next((check["message"] for check in report["checks"] if check["id"] == rule), "")


@contextmanager
def served(app: WSGIApplication) -> Iterator[str]:
    """Serve an app on 127.0.0.1 with a free port for the duration of the block."""
    server = serve(app, host="127.0.0.1", port=0)
    try:
        yield server.url
    finally:
        server.close()


def run_suite(
    url: str,
    report_dir: Path,
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    marker: str = "not fuzz",
) -> tuple[SuiteRun, dict[str, Any]]:
    """Run the suite selected by `marker` (default: no fuzzing) against `url` with demo credentials."""
    config = MockConfig()
    child = {key: value for key, value in os.environ.items() if not key.startswith(("ZUORA_", "STRICT"))}
    child.update(
        ZUORA_BASE_URL=url,
        ZUORA_CLIENT_ID=config.client_id,
        ZUORA_CLIENT_SECRET=config.client_secret,
        ZUORA_ACCOUNT_KEY="A00000001",
        ZUORA_REPORT_DIR=str(report_dir),
        ZUORA_WAIT_SECONDS="1.5",
    )
    child.update(env or {})
    command = [sys.executable, "-m", "pytest", *SUITE, "-m", marker, "-q", "-p", "no:cacheprovider"]
    completed = subprocess.run(
        [*command, *extra], cwd=ROOT, env=child, capture_output=True, text=True, timeout=SUITE_TIMEOUT, check=False
    )
    report_path = report_dir / "conformance.json"
    if not report_path.exists():
        return SuiteRun(completed.returncode, "missing", {}, completed.stdout + completed.stderr), {}
    report = json.loads(report_path.read_text())
    outcomes = {check["id"]: check["outcome"] for check in report["checks"]}
    return SuiteRun(completed.returncode, report["verdict"], outcomes, completed.stdout[-4000:]), report


def fresh_app() -> WSGIApplication:
    """A new reference mock with its own state."""
    return create_app(FAST)
