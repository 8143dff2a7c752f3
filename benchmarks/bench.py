"""`make bench`: every benchmark of the project in one run, printed as tables and kept in reports/bench.json.

1. fuzz cases per second, the suite versus `st run` (benchmarks/fuzz_throughput.py, as before);
2. the mock versus Prism's static mock under wrk (mock_vs_prism.py), both measured in this run;
3. 1,000 idle connections (idle.py);
4. a short soak of executes for memory and worst latency (soak.py; `make soak` runs a million);
5. the gate with --jobs 1 and 2 against a mock that adds 200 ms per request (jobs.py);
6. `make contract` against the embedded mock, warm, by phase (contract_phases.py).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import contract_phases
import fuzz_throughput
import idle
import jobs
import mock_vs_prism
import soak
from servers import ROOT, prism_version
from wrkload import ensure_wrk, wrk_version

REPORT = ROOT / "reports" / "bench.json"
SHORT_SOAK_EXECUTES = 150_000
SHORT_SOAK_SECONDS = 25


def machine() -> dict[str, Any]:
    """Facts that make the figures comparable: cores, CPU, load, versions."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    try:
        granian = metadata.version("granian")
    except metadata.PackageNotFoundError:
        granian = "absent"
    return {
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "load_average_start": os.getloadavg(),
        "python": platform.python_version(),
        "granian": granian,
        "node": node or "absent",
        "prism": prism_version(),
        "wrk": wrk_version(),
    }


def _print_throughput(result: dict[str, Any]) -> None:
    print(f"\nthroughput, {result['seconds_per_run']} s per run (wrk, keep-alive):")
    print(f"{'target':<14} {'run':<14} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'non2xx':>6}")
    for name, runs in result["figures"].items():
        for label, f in runs.items():
            print(
                f"{name:<14} {label:<14} {f['rps']:8.0f} {f['p50_us'] / 1000:7.2f} "
                f"{f['p99_us'] / 1000:7.2f} {f['max_us'] / 1000:7.2f} {f['non2xx']:6d}"
            )
    if result["ratios"]:
        print("\nmock / Prism static (req/s ratio: higher is better; p99 ratio: lower is better):")
        for label, ratio in result["ratios"].items():
            print(f"  {label:<32} req/s x{ratio['rps_ratio']:<5} p99 x{ratio['p99_ratio']}")
    for name, reason in result.get("skipped", {}).items():
        print(f"skipped {name}: {reason}")


def main() -> None:
    """Run everything, print the tables, write reports/bench.json."""
    report: dict[str, Any] = {"machine": machine(), "fuzz": fuzz_throughput.main()}
    servers = ("stdlib", "granian") if report["machine"]["granian"] != "absent" else ("stdlib",)
    if reason := ensure_wrk():
        report["skipped"] = {"wrk": reason}
        print(f"skip: mock-vs-Prism and soak need wrk: {reason}")
    else:
        targets = ("prism-static", *(f"mock-{kind}" for kind in reversed(servers)))
        report["throughput"] = mock_vs_prism.compare(targets)
        _print_throughput(report["throughput"])
        report["soak_short"] = soak.soak(servers[-1], SHORT_SOAK_EXECUTES, SHORT_SOAK_SECONDS)
        print(f"\nshort soak (make soak runs 1,000,000): {json.dumps(report['soak_short'])}")
    report["idle"] = [idle.check(kind) for kind in servers]
    for line in report["idle"]:
        print(f"idle: {json.dumps(line)}")
    report["jobs"] = jobs.compare()
    print(f"\n--jobs against 200 ms per request: {json.dumps(report['jobs']['runs'])}")
    print(f"ratio --jobs 2 / --jobs 1 (speed-up in wall time): {report['jobs']['speedup_jobs2_over_jobs1']}")
    report["contract"] = contract_phases.measure()
    print(f"\nmake contract, embedded mock, warm: walls {report['contract']['walls_s']} s; fastest by phase:")
    for phase, seconds in report["contract"]["fastest"]["phases_s"].items():
        print(f"  {phase:<52} {seconds:6.2f} s")
    report["machine"]["load_average_end"] = os.getloadavg()
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten: {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
