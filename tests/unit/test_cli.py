"""`python -m zuora_contract run` exits with the verdict: 0, 1, 2 or 4, never pytest's own status."""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.mutants.catalog import MUTANTS
from tests.mutants.harness import fresh_app, served

from zuora_contract.cli import build_parser, verdict_exit
from zuora_mock.config import MockConfig

ROOT = Path(__file__).resolve().parents[2]
QUICK = ("--family", "samples", "--no-fuzz")


def gate(tmp_path: Path, *flags: str, timeout: float = 240, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the real command from outside the checkout, with no ZUORA_* variable but those given."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("ZUORA_", "STRICT", "FUZZ"))}
    command = [sys.executable, "-m", "zuora_contract", "run", "--report-dir", str(tmp_path), *flags]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=clean | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGINT)  # the gate and its pytest child clean up, then stop
        process.communicate(timeout=120)
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def mock_credentials(url: str) -> dict[str, str]:
    """The demo credentials of a served reference mock."""
    config = MockConfig()
    return {
        "ZUORA_BASE_URL": url,
        "ZUORA_CLIENT_ID": config.client_id,
        "ZUORA_CLIENT_SECRET": config.client_secret,
        "ZUORA_ACCOUNT_KEY": "A00000001",
        "ZUORA_WAIT_SECONDS": "2",
    }


def verdict(tmp_path: Path) -> str:
    return str(json.loads((tmp_path / "conformance.json").read_text())["verdict"])


def test_gate_exits_0_on_the_embedded_mock(tmp_path: Path) -> None:
    """No ZUORA_BASE_URL: the embedded reference mock is conformant, and junit.xml sits beside the JSON."""
    result = gate(tmp_path, *QUICK)
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdict(tmp_path) == "conformant"
    assert (tmp_path / "junit.xml").exists()
    assert "verdict CONFORMANT (exit 0)" in result.stderr


def test_gate_exits_1_on_a_broken_served_mock(tmp_path: Path) -> None:
    """A served mock that answers execute with 201 breaks a must rule: exit 1."""
    mutant = next(mutant for mutant in MUTANTS if mutant.name == "execute-201")
    with served(mutant.build(fresh_app())) as url:
        result = gate(tmp_path, *QUICK, **mock_credentials(url))
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdict(tmp_path) == "nonconformant"


def test_gate_exits_2_when_the_target_is_unreachable(tmp_path: Path) -> None:
    """Nothing listens on port 9: the suite cannot judge, exit 2, and the token is never shown."""
    result = gate(
        tmp_path, "--base-url", "http://127.0.0.1:9", ZUORA_BEARER_TOKEN="secret-token-x", ZUORA_ACCOUNT_KEY="A1"
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert verdict(tmp_path) == "error"
    assert "secret-token-x" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("flags", "env", "message"),
    [
        pytest.param(
            ("--base-url", "http://127.0.0.1:9"), {"ZUORA_ACCOUNT_KEY": "A1"}, "ZUORA_CLIENT_ID", id="no-cred"
        ),
        pytest.param((), {"ZUORA_VERSION": "latest"}, "ZUORA_VERSION must be", id="bad-version"),
        pytest.param(("--zuora-version", "2024-13-40"), {}, "ZUORA_VERSION must be", id="bad-version-flag"),
        pytest.param(("--bogus",), {}, "unrecognized arguments: --bogus", id="bad-flag"),
        pytest.param(("--jobs", "0"), {}, "--jobs", id="bad-jobs"),
        pytest.param(("--divergences", "missing.toml"), {}, "no such file", id="missing-divergences"),
        pytest.param(("--rule", "no.such-rule", "--no-fuzz"), {}, "no test matches", id="empty-selection"),
    ],
)
def test_gate_exits_4_on_unusable_configuration(
    tmp_path: Path, flags: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    """One clear line, no traceback, exit 4."""
    result = gate(tmp_path, *flags, **env)
    assert result.returncode == 4, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("host", ["rest.na.zuora.com", "rest.zuora.com", "rest.eu.zuora.com", "rest.ap.zuora.com"])
def test_gate_refuses_production_at_once(tmp_path: Path, host: str) -> None:
    """Zuora production is refused before any request, in under a second, with the override named."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = gate(tmp_path, "--base-url", f"https://{host}", ZUORA_BEARER_TOKEN="t", ZUORA_ACCOUNT_KEY="A1")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds, which a busy machine does not inflate (wall time is 0.1 s when it is idle).
    assert (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime) < 1.0
    assert time.monotonic() - started < 10.0
    assert result.returncode == 4
    assert host in result.stderr
    assert "ZUORA_ALLOW_PRODUCTION=1" in result.stderr
    assert not (tmp_path / "conformance.json").exists()


def _args(*flags: str) -> argparse.Namespace:
    return build_parser().parse_args(["run", *flags])


@pytest.mark.parametrize(
    ("status", "report", "selected", "code"),
    [
        pytest.param(0, {"verdict": "conformant"}, False, 0, id="conformant"),
        pytest.param(1, {"verdict": "nonconformant"}, False, 1, id="nonconformant"),
        pytest.param(2, {"verdict": "error", "fatal": "unreachable"}, False, 2, id="error"),
        pytest.param(2, {"verdict": "conformant"}, False, 2, id="interrupted-partial-run"),
        pytest.param(1, {"verdict": "conformant"}, False, 2, id="failure-outside-rules"),
        pytest.param(3, None, False, 2, id="pytest-internal-error"),
        pytest.param(4, None, False, 4, id="usage-error"),
        pytest.param(5, None, False, 2, id="nothing-collected"),
        pytest.param(5, None, True, 4, id="selection-matches-nothing"),
        pytest.param(0, None, False, 2, id="no-report"),
    ],
)
def test_gate_exit_code_is_the_verdict(status: int, report: dict[str, str] | None, selected: bool, code: int) -> None:
    """The verdict decides the code; pytest's status only says whether the verdict can be trusted."""
    assert verdict_exit(status, report, selected)[0] == code


def test_gate_parser_knows_every_run_option() -> None:
    """The options CI files use parse; --fuzz and --no-fuzz are one switch."""
    args = _args("--base-url", "http://x", "--jobs", "2", "--fuzz", "--rule", "a.b", "--rule", "c.d", "--level", "must")
    assert (args.jobs, args.fuzz, args.rule, args.level) == (2, True, ["a.b", "c.d"], "must")
    assert _args("--no-fuzz").fuzz is False
    assert _args().fuzz is None


def _command(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zuora_contract", *arguments], capture_output=True, text=True, check=False
    )


def test_cli_cases_lists_and_shows_a_rule_with_links() -> None:
    """`cases` lists every rule with its level; `cases --id` shows the sources' URLs; an unknown id is exit 4."""
    listed = _command("cases")
    assert listed.returncode == 0 and "samples.with-item" in listed.stdout and "must" in listed.stdout
    shown = _command("cases", "--id", "idempotency.replay")
    assert shown.returncode == 0 and "https://developer.zuora.com/docs/guides/idempotent-requests" in shown.stdout
    unknown = _command("cases", "--id", "no.such-rule")
    assert unknown.returncode == 4 and "Traceback" not in unknown.stderr


def test_cli_validate_exit_codes_follow_the_findings(tmp_path: Path) -> None:
    """The documented samples' cassettes conform (0); a file that is not a recording is exit 4."""
    documented = Path(__file__).resolve().parents[2] / "cassettes" / "documented"
    ok = _command("validate", *sorted(str(path) for path in documented.glob("*.yaml")))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = tmp_path / "x.har"
    bad.write_text("{")
    refused = _command("validate", str(bad))
    assert refused.returncode == 4 and "x.har" in refused.stderr


def test_gate_jobs_two_gives_the_serial_verdict_and_rules(tmp_path: Path) -> None:
    """--jobs 2 (pytest-xdist, each worker its own data) merges into the same verdict and rule ids as --jobs 1."""
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial.mkdir(), parallel.mkdir()
    one = gate(serial, "--jobs", "1")
    two = gate(parallel, "--jobs", "2")
    assert one.returncode == two.returncode == 0, one.stderr[-2000:] + two.stderr[-2000:]
    reports = [json.loads((path / "conformance.json").read_text()) for path in (serial, parallel)]
    assert reports[0]["verdict"] == reports[1]["verdict"] == "conformant"
    ids = [sorted(check["id"] for check in report["checks"]) for report in reports]
    assert ids[0] == ids[1] and len(ids[0]) == len(set(ids[0]))


def test_cli_mock_in_one_process_and_run_against_it_in_another(tmp_path: Path) -> None:
    """`zuora-contract mock --port 0` serves; `zuora-contract run --base-url` with its printed credentials passes."""
    mock = subprocess.Popen(
        [sys.executable, "-m", "zuora_contract", "mock", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert mock.stdout is not None
        exports = {}
        for _ in range(5):
            line = mock.stdout.readline().strip()
            if line.startswith("export "):
                name, _, value = line.removeprefix("export ").partition("=")
                exports[name] = value
        result = gate(tmp_path, "--base-url", exports["ZUORA_BASE_URL"], *QUICK, **exports)
    finally:
        mock.send_signal(signal.SIGTERM)
        mock.wait(timeout=10)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert verdict(tmp_path) == "conformant"
