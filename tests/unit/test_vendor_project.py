"""examples/vendor-project runs the packaged suite from its own pytest configuration, with a rule of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2] / "examples" / "vendor-project"


@pytest.mark.slow
def test_vendor_project_runs_the_catalogue_and_its_own_rule(tmp_path: Path) -> None:
    """Its own pytest run collects our rules and its own, and reports all of them with one verdict."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ZUORA_", "FUZZ_", "STRICT"))}
    env["ZUORA_REPORT_DIR"] = str(tmp_path)
    command = [sys.executable, "-m", "pytest", "-q", "-m", "not fuzz", "-p", "no:cacheprovider"]
    done = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    report = json.loads((tmp_path / "conformance.json").read_text())
    ids = {check["id"] for check in report["checks"]}
    assert "acme.execute-within-two-seconds" in ids
    assert {"samples.with-item", "idempotency.replay", "keys.by-number"} <= ids
    assert report["verdict"] == "conformant"
    assert (tmp_path / "junit.xml").exists() and (tmp_path / "conformance.html").exists()
