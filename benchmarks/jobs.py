"""`--jobs` speed-up: the gate against a served mock that adds 200 ms to every request, with 1 and 2 workers.

A sandbox is slow per request, not busy per core, so workers that each provision their own data should
overlap their waits. A slice of the catalogue keeps the serial run within a minute or two.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from servers import CLIENT, ROOT, start_mock

LATENCY_MS = "200"
FAMILIES = ("keys", "paused", "errors")
TIMEOUT = 600


def _gate(url: str, jobs: int, reports: Path) -> dict[str, Any]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ZUORA_BASE_URL": url,
        "ZUORA_CLIENT_ID": CLIENT["client_id"],
        "ZUORA_CLIENT_SECRET": CLIENT["client_secret"],
        "ZUORA_ACCOUNT_KEY": "A00000001",
        "ZUORA_REPORT_DIR": str(reports),
    }
    command = [sys.executable, "-m", "zuora_contract", "run", "--no-fuzz", "--jobs", str(jobs)]
    command += [argument for family in FAMILIES for argument in ("--family", family)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    seconds = time.perf_counter() - started
    report = json.loads((reports / "conformance.json").read_text()) if (reports / "conformance.json").exists() else {}
    return {"jobs": jobs, "exit": done.returncode, "seconds": round(seconds, 1), "verdict": report.get("verdict"),
            "rules": len(report.get("checks", []))}  # fmt: skip


def compare() -> dict[str, Any]:
    """Both runs against one mock with the latency, taking turns, and the ratio of their wall times."""
    server = start_mock("stdlib", "--latency-ms", LATENCY_MS)
    try:
        with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
            serial = _gate(server.url, 1, Path(one))
            parallel = _gate(server.url, 2, Path(two))
    finally:
        server.close()
    return {
        "latency_ms": int(LATENCY_MS),
        "families": list(FAMILIES),
        "runs": [serial, parallel],
        "speedup_jobs2_over_jobs1": round(serial["seconds"] / parallel["seconds"], 2) if parallel["seconds"] else None,
    }


if __name__ == "__main__":
    print(json.dumps(compare(), indent=2))
