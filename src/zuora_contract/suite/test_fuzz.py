"""Property-based fuzzing with schemathesis: generated inputs beyond the catalogue, judged by its rules."""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis
import pytest

from zuora_contract.failures import ConfigError
from zuora_contract.fuzz.sequences import walk_sequences
from zuora_contract.fuzz.session import SEQUENCES, Fuzzer, start
from zuora_contract.fuzz.wiring import Budget, budget_from_env, fuzz_schema
from zuora_contract.provision import Provisioner
from zuora_contract.settings import Settings, load_settings
from zuora_contract.target import Target


def _settings() -> Settings:
    """Known at collection, because schemathesis builds each test's settings then."""
    try:
        return load_settings()
    except ConfigError:
        return Settings(base_url="http://remote.invalid")  # the plugin reports the error; stay safe meanwhile


def _budget() -> Budget:
    """Full speed on the embedded mock and loopback; small and rate-limited against a remote host."""
    return budget_from_env(_settings().local)


FUZZ_OFF = (
    "fuzzing is off: by default it runs only against the embedded mock and loopback targets; "
    "FUZZ=1 (or `python -m zuora_contract run --fuzz`) adds the rate-limited fuzzer for a remote target"
)
FUZZ_TURNED_OFF = "fuzzing is turned off (--no-fuzz or FUZZ=0)"
pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.skipif(not _settings().fuzz_enabled, reason=FUZZ_OFF if _settings().fuzz is None else FUZZ_TURNED_OFF),
]
BUDGET = _budget()
SCHEMA = fuzz_schema(BUDGET)


@pytest.fixture(scope="module")
def fuzzer(request: pytest.FixtureRequest, target: Target, provisioner: Provisioner) -> Iterator[Fuzzer]:
    """One fuzzer per module: one schedule pool, one request counter, one summary."""
    fuzzer = start(request, target, provisioner, BUDGET)
    yield fuzzer
    assert fuzzer.pool.created <= BUDGET.max_schedules, "the fuzz run created more schedules than its bound"


@pytest.mark.rule("fuzz.execute")
@SCHEMA.include(operation_id="POST_ExecuteInvoiceSchedule").parametrize()  # type: ignore[untyped-decorator]
def test_fuzz_execute_holds_every_rule(case: object, fuzzer: Fuzzer) -> None:
    """Examples, coverage and fuzzing phases, positive and negative, on real schedules and unknown keys."""
    fuzzer.run(case)


@pytest.mark.rule("fuzz.reads")
@SCHEMA.include(operation_id=["GET_BillRun", "GET_InvoiceSchedule"]).parametrize()  # type: ignore[untyped-decorator]
def test_fuzz_reads_hold_every_rule(case: object, fuzzer: Fuzzer) -> None:
    """The read operations the stateful sequences rely on, on real schedules and unknown keys."""
    fuzzer.run(case)


@pytest.mark.rule("fuzz.stateful")
def test_fuzz_stateful_links_hold_every_rule(fuzzer: Fuzzer) -> None:
    """Schemathesis' state machine over the fragment's links, bounded in steps and schedules."""
    if fuzzer.transport.exhausted():
        pytest.skip("the run's request cap was reached before the state machine could send a request")
    fuzzer.pool.fill()
    before = fuzzer.modes["stateful"]
    try:
        fuzzer.machine(SCHEMA).run(settings=fuzzer.settings())
    except hypothesis.errors.Unsatisfiable:
        # Every step was rejected because the request or schedule budget ran out mid-run.
        pytest.skip("the state machine's request or schedule budget ran out; raise FUZZ_MAX_REQUESTS")
    if fuzzer.modes["stateful"] == before:
        pytest.skip("the state machine sent no request: the run's request or schedule budget was used up")


@pytest.mark.rule("fuzz.sequences")
def test_fuzz_sequences_follow_the_links_with_drawn_requests(fuzzer: Fuzzer) -> None:
    """Create → execute → bill run and pause → execute → resume → execute, walked on purpose."""
    walk_sequences(fuzzer, SCHEMA)
    missing = [name for name in SEQUENCES if not fuzzer.sequences[name]]
    assert not missing, f"sequences never completed: {missing}"
