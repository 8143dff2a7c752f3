"""A user's mistake gets one clear message and a documented exit code, never a traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ZUORA_")}
    clean |= {"ZUORA_REPORT_DIR": str(tmp_path)} | env
    command = [
        sys.executable,
        "-m",
        "pytest",
        "src/zuora_contract/suite/test_documented_samples.py",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    return subprocess.run(command, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_run_missing_credential_is_a_configuration_error(tmp_path: Path) -> None:
    """A remote target without credentials stops at once with exit code 4 and names what to set."""
    result = _run(tmp_path, ZUORA_BASE_URL="http://127.0.0.1:9", ZUORA_ACCOUNT_KEY="A00000001")
    assert result.returncode == 4
    assert "ZUORA_CLIENT_ID" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_run_unreachable_target_is_an_error_verdict(tmp_path: Path) -> None:
    """Nothing listening: exit code 2, one message, and a report whose verdict is `error`."""
    url = f"http://127.0.0.1:{_free_port()}"
    result = _run(tmp_path, ZUORA_BASE_URL=url, ZUORA_BEARER_TOKEN="secret-token-value", ZUORA_ACCOUNT_KEY="A1")
    assert result.returncode == 2, result.stdout
    assert "cannot judge the target" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "secret-token-value" not in result.stdout + result.stderr
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["verdict"] == "error"
    assert url in report["fatal"]
    suite = ElementTree.parse(tmp_path / "junit.xml").getroot()
    assert suite.get("errors") == "1" and suite.get("tests") == "1"
    error = suite.find("./testsuite/testcase/error")
    assert error is not None and url in error.get("message", "")


def test_run_embedded_mock_writes_a_conformant_report(tmp_path: Path) -> None:
    """With no ZUORA_BASE_URL the suite starts the reference mock itself and judges it conformant."""
    result = _run(tmp_path)
    assert result.returncode == 0, result.stdout
    assert "embedded reference mock" in result.stdout
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["verdict"] == "conformant"
    assert {check["id"] for check in report["checks"]} == {
        "samples.with-item",
        "samples.without-item",
        "samples.every-documented-key",
    }
