"""Where `make contract`'s time goes against the embedded mock: start-up, each group of rules, the rest.

Three warm runs of the gate command; per run, the wall time, pytest's own session time, and the summed
durations of the rules by group (from conformance.json). Start-up is wall minus session; "collection
and reports" is the session minus the rules.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from servers import ROOT

SESSION = re.compile(r"passed(?:,[^=]*)? in ([0-9.]+)s")
GROUPS = {"fuzz": ("fuzz",), "samples": ("samples",)}
RUNS = 3


def _group(rule: str) -> str:
    family = rule.split(".", 1)[0]
    return next((name for name, families in GROUPS.items() if family in families), "catalogue and scenarios")


def _once() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as reports:
        env = {"PATH": "/usr/bin:/bin", "ZUORA_REPORT_DIR": reports, "HOME": reports}
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "zuora_contract", "run"], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - started
        report = json.loads((Path(reports) / "conformance.json").read_text())
    match = SESSION.search(done.stdout)
    session = float(match.group(1)) if match else wall
    phases: dict[str, float] = {"start-up (interpreters, imports)": wall - session}
    for check in report["checks"]:
        name = _group(check["id"])
        phases[name] = phases.get(name, 0.0) + float(check["duration"])
    phases["collection, provisioning outside tests, reports"] = session - sum(
        value for key, value in phases.items() if not key.startswith("start-up")
    )
    return {
        "wall_s": round(wall, 2),
        "verdict": report["verdict"],
        "phases_s": {k: round(v, 2) for k, v in phases.items()},
    }


def measure() -> dict[str, Any]:
    """One warm-up run, then RUNS measured runs; the fastest is reported beside all walls."""
    _once()
    runs = [_once() for _ in range(RUNS)]
    best = min(runs, key=lambda run: run["wall_s"])
    return {"walls_s": [run["wall_s"] for run in runs], "fastest": best}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
