"""Measure fuzz cases per second: the suite's fuzz test versus `st run`, same fragment, same served mock.

Both run as child processes against one reference mock served over HTTP on loopback, on the execute
operation only, with the same max examples, phases (examples, coverage, fuzzing), modes, checks
(`SCHEMATHESIS_HOOKS=zuora_contract.fuzz.checks` gives `st run` the suite's Zuora checks) and config
file. Case counts are read from each tool's own output; times are wall-clock, startup included.
Not a test: it prints numbers. Run it with `make bench`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from zuora_contract.spec import DATA_DIR, SPEC_PATH
from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import serve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("BENCH_EXAMPLES") or 100)
TIMEOUT = 100
SUITE_CASES = re.compile(r"^fuzz:\s+(\d+)\s+POST /v1/invoice-schedules/\{scheduleKey\}/execute$", re.MULTILINE)
ST_CASES = re.compile(r"^\s*(\d+) generated", re.MULTILINE)
# Each tool's own measure of its run (generation, sending, checking), without interpreter startup.
SUITE_SECONDS = re.compile(r"^fuzz: \d+ generated cases sent in (\d+)\.(\d)s", re.MULTILINE)
ST_SECONDS = re.compile(r"^=+ .* in (\d+)\.(\d\d)s =+$", re.MULTILINE)


def _run(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    elapsed = time.perf_counter() - started
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        sys.exit(f"{command[2:5]} exited {completed.returncode}:\n{output[-3000:]}")
    return elapsed, output


def _count(pattern: re.Pattern[str], output: str, tool: str) -> int:
    """The number the pattern captures (digit groups joined), read from the tool's own output."""
    match = pattern.search(output)
    if match is None:
        sys.exit(f"could not read {pattern.pattern!r} from {tool}'s output:\n{output[-3000:]}")
    return int("".join(match.groups()))


def _token(url: str, config: MockConfig) -> str:
    form = {"client_id": config.client_id, "client_secret": config.client_secret, "grant_type": "client_credentials"}
    return str(httpx.post(f"{url}/oauth/token", data=form).json()["access_token"])


def main() -> dict[str, float]:
    """Serve the mock once, run both tools against it, print cases/s for each and the ratio; return them."""
    config = MockConfig(processing_delay=0.05)
    server = serve(create_app(config), host="127.0.0.1", port=0)
    base = {key: value for key, value in os.environ.items() if not key.startswith(("ZUORA_", "FUZZ_"))}
    try:
        with tempfile.TemporaryDirectory() as reports:
            suite_env = base | {
                "ZUORA_BASE_URL": server.url,
                "ZUORA_CLIENT_ID": config.client_id,
                "ZUORA_CLIENT_SECRET": config.client_secret,
                "ZUORA_ACCOUNT_KEY": "A00000001",
                "ZUORA_REPORT_DIR": reports,
                "FUZZ_EXAMPLES": str(EXAMPLES),
                "FUZZ_RATE": "0",
                "FUZZ_MAX_REQUESTS": "0",
            }
            suite_command = [sys.executable, "-m", "pytest", "src/zuora_contract/suite/test_fuzz.py", "-m", "fuzz"]
            suite_command += ["-k", "test_fuzz_execute", "-q", "-p", "no:randomly", "--disable-recording"]
            suite_seconds, suite_output = _run(suite_command, suite_env)
            suite_cases = _count(SUITE_CASES, suite_output, "the suite")
            suite_inner = float(_count(SUITE_SECONDS, suite_output, "the suite") or 0) / 10

            st_env = base | {"SCHEMATHESIS_HOOKS": "zuora_contract.fuzz.checks"}
            # The project's schemathesis.toml travels in the package; name it, as st finds one only upwards.
            st_command = [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "--config-file",
                str(DATA_DIR / "schemathesis.toml"),
            ]
            st_command += ["run", str(SPEC_PATH)]
            st_command += ["--url", server.url, "-H", f"Authorization: Bearer {_token(server.url, config)}"]
            st_command += ["--include-operation-id", "POST_ExecuteInvoiceSchedule", "-n", str(EXAMPLES)]
            st_command += ["--phases", "examples,coverage,fuzzing", "--report-dir", reports]
            st_seconds, st_output = _run(st_command, st_env)
            st_cases = _count(ST_CASES, st_output, "st run")
            st_inner = float(_count(ST_SECONDS, st_output, "st run")) / 100
    finally:
        server.close()
    return _report((suite_cases, suite_inner, suite_seconds), (st_cases, st_inner, st_seconds))


def _report(suite: tuple[int, float, float], st: tuple[int, float, float]) -> dict[str, float]:
    """Print the table and the two ratio lines; return the same figures for reports/bench.json."""
    print(f"max examples per tool: {EXAMPLES} (execute operation; examples, coverage and fuzzing phases)")
    print("              cases   run s  cases/s | wall s (with startup)  cases/s")
    for name, (cases, inner, wall) in (("suite", suite), ("st run", st)):
        print(f"{name:<10} {cases:8d} {inner:7.2f} {cases / inner:8.1f} | {wall:21.2f} {cases / wall:8.1f}")
    run_ratio = (suite[0] / suite[1]) / (st[0] / st[1])
    wall_ratio = (suite[0] / suite[2]) / (st[0] / st[2])
    print(f"ratio suite/st run (cases per second of each tool's own run): {run_ratio:.2f}")
    print(f"ratio suite/st run (cases per wall-clock second, interpreter startup included): {wall_ratio:.2f}")
    return {
        "max_examples": EXAMPLES,
        **{"suite_cases": suite[0], "suite_run_s": suite[1], "suite_wall_s": round(suite[2], 2)},
        **{"st_cases": st[0], "st_run_s": st[1], "st_wall_s": round(st[2], 2)},
        **{"ratio_run": round(run_ratio, 2), "ratio_wall": round(wall_ratio, 2)},
    }


if __name__ == "__main__":
    main()
