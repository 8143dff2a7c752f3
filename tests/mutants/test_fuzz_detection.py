"""The fuzz tests alone catch the mutants they are meant for, and pass the reference mock."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.mutants.catalog import MUTANTS, Mutant
from tests.mutants.harness import SuiteRun, fresh_app, run_suite, served

pytestmark = pytest.mark.slow

# A small, fixed budget keeps each run within seconds; the mock is served on loopback: no rate limit or cap.
FUZZ_ENV = {"FUZZ_EXAMPLES": "15", "FUZZ_RATE": "0", "FUZZ_MAX_REQUESTS": "0", "FUZZ_SEED": ""}
# The kinds of defect the issue asks the fuzzer to catch (5xx on malformed input, a broken response
# schema, a dropped Zuora-Track-Id echo), and a missing Zuora-Request-Id for the reads and the state machine:
# the mutants whose `fuzz_kills` name the fuzz rules that must fail.
FUZZ_MUTANTS = tuple(mutant.name for mutant in MUTANTS if mutant.fuzz_kills)


def _mutant(name: str) -> Mutant:
    return next(mutant for mutant in MUTANTS if mutant.name == name)


def _fuzz_failed(run: SuiteRun) -> set[str]:
    return {rule for rule in run.failed() if rule.startswith("fuzz.")}


def test_fuzz_reference_mock_is_conformant(tmp_path: Path) -> None:
    """No false positives: the fuzz tests pass the reference mock served over HTTP."""
    with served(fresh_app()) as url:
        run, _ = run_suite(url, tmp_path, env=FUZZ_ENV, marker="fuzz")
    assert run.verdict == "conformant", run.output
    assert run.outcomes and all(rule.startswith("fuzz.") for rule in run.outcomes), run.outcomes


@pytest.mark.parametrize("name", FUZZ_MUTANTS)
def test_fuzz_mutant_is_caught(name: str, tmp_path: Path) -> None:
    """The fuzz tests alone make the verdict nonconformant, with the mutant's fuzz rules failed."""
    mutant = _mutant(name)
    with served(mutant.build(fresh_app())) as url:
        run, _ = run_suite(url, tmp_path, env=FUZZ_ENV, marker="fuzz")
    assert run.verdict == "nonconformant", f"{name} survived the fuzzer:\n{run.output}"
    assert mutant.fuzz_kills <= _fuzz_failed(run), f"expected {sorted(mutant.fuzz_kills)} to fail: {run.outcomes}"
