"""An installed copy needs nothing from this repository: a new venv elsewhere, pip install, zuora-contract run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.slow
def test_installed_copy_runs_conformant_without_the_repository(tmp_path: Path) -> None:
    """Install the repository into a fresh venv elsewhere, then run the gate from another directory."""
    venv, work = tmp_path / "venv", tmp_path / "elsewhere"
    work.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ZUORA_", "FUZZ", "STRICT"))}
    env.pop("PYTHONPATH", None)
    assert _run([sys.executable, "-m", "venv", str(venv)], work, env).returncode == 0
    python = venv / "bin" / "python"
    installed = _run([str(python), "-m", "pip", "install", "--quiet", str(ROOT)], work, env)
    assert installed.returncode == 0, installed.stderr[-3000:]
    listed = _run([str(python), "-m", "pip", "list", "--format=json"], work, env)
    names = {entry["name"].lower() for entry in json.loads(listed.stdout)}
    assert "zuora-execute-contract" in names
    assert not names & {"mypy", "ruff", "zuora-sdk", "import-linter"}, sorted(names)
    done = _run([str(venv / "bin" / "zuora-contract"), "run"], work, env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "verdict CONFORMANT" in done.stderr
    reports = work / "reports"
    assert json.loads((reports / "conformance.json").read_text())["verdict"] == "conformant"
    assert (reports / "junit.xml").exists() and (reports / "conformance.html").exists()
