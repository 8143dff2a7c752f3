"""The gate through the real command against a served mock: faults are waited out, and nothing is left to bill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.unit.test_cli import gate, mock_credentials

from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import serve

pytestmark = pytest.mark.slow


@contextmanager
def faulty_mock(**faults: Any) -> Iterator[tuple[str, str]]:
    """Serve a mock with injected faults, and the same mock (same state) without them for inspection."""
    app = create_app(MockConfig(processing_delay=0.1, **faults))
    inner = getattr(app, "app", app)  # the fault injector wraps the mock; its state is shared
    with serve(app) as faulty, serve(inner) as clean:
        yield faulty.url, clean.url


def left_executable(clean_url: str, tenant: list[dict[str, str]]) -> list[str]:
    """Schedules of the report that the mock still has and are not Paused, by its documented GET."""
    config = MockConfig()
    form = {"client_id": config.client_id, "client_secret": config.client_secret, "grant_type": "client_credentials"}
    with httpx.Client(base_url=clean_url, headers={"Zuora-Version": "2025-08-12"}) as client:
        token = client.post("/oauth/token", data=form).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        left = []
        for entry in tenant:
            response = client.get(f"/v1/invoice-schedules/{entry['id']}")
            if response.status_code != 404 and response.json().get("status") != "Paused":
                left.append(f"{entry['number']}: HTTP {response.status_code} {response.json().get('status')}")
    return left


def test_gate_waits_out_429_and_503_and_leaves_nothing_to_bill(tmp_path: Path) -> None:
    """20% injected 429/503 and 50 ms latency: still conformant (fuzz included); every schedule deleted or paused."""
    with faulty_mock(fault_rate=0.2, latency_ms=50, fault_seed=7) as (url, clean):
        # Every injected 429 costs its Retry-After (1 s), so a smaller fuzz budget keeps the run to minutes.
        env = mock_credentials(url) | {"ZUORA_WAIT_SECONDS": "5"}
        result = gate(tmp_path, "--fuzz", "--fuzz-examples", "5", timeout=600, **env)
        report = json.loads((tmp_path / "conformance.json").read_text())
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
        assert report["verdict"] == "conformant"
        assert any(check["id"].startswith("fuzz.") and check["outcome"] == "passed" for check in report["checks"])
        assert report["tenant"], "the run created schedules, so the report must list them"
        assert {entry["state"] for entry in report["tenant"]} <= {"deleted", "paused"}
        assert left_executable(clean, report["tenant"]) == []


def test_gate_rate_limited_throughout_is_an_error(tmp_path: Path) -> None:
    """Every request answered 429: the verdict is error (could not judge), never nonconformant."""
    with faulty_mock(fault_rate=1.0, fault_statuses=(429,)) as (url, _):
        result = gate(tmp_path, **mock_credentials(url), ZUORA_RETRY_BUDGET="3")
    assert result.returncode == 2, result.stdout[-3000:] + result.stderr
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["verdict"] == "error"
    assert "rate-limited; could not judge" in (report["fatal"] or "")


def test_gate_interrupted_still_leaves_nothing_to_bill(tmp_path: Path) -> None:
    """Ctrl-C mid-run: exit 2, and every schedule the run made is deleted or paused, as the report says."""
    app = create_app(MockConfig(processing_delay=0.1))
    creates: list[str] = []

    def counting(environ: Any, start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/v1/invoice-schedules":
            creates.append("")
        return app(environ, start_response)

    with serve(counting) as server:
        clean_env = {key: value for key, value in os.environ.items() if not key.startswith(("ZUORA_", "FUZZ"))}
        command = [sys.executable, "-m", "zuora_contract", "run", "--report-dir", str(tmp_path), "--no-fuzz"]
        env = clean_env | mock_credentials(server.url)
        process = subprocess.Popen(command, cwd=tmp_path, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(creates) < 10 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
        assert process.wait(timeout=120) == 2
        report = json.loads((tmp_path / "conformance.json").read_text())
        assert report["verdict"] == "error"
        assert len(report["tenant"]) >= 10
        assert {entry["state"] for entry in report["tenant"]} <= {"deleted", "paused"}
        assert left_executable(server.url, report["tenant"]) == []
