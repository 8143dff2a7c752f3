"""One fuzz run: the pool, the transport, the stateful machine and the honest count of what was sent."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import hypothesis
import pytest
from schemathesis.core.transport import Response

from zuora_contract.fuzz import checks as fuzzchecks
from zuora_contract.fuzz.wiring import Budget, FuzzTransport, SchedulePool, judge, pin_item
from zuora_contract.provision import SCHEDULES, Provisioner, parse_schedule
from zuora_contract.report import notes
from zuora_contract.session_state import LOG_KEY
from zuora_contract.target import Target

CREATE = "POST_CreateInvoiceSchedule"
# The operations the stateful runs walk; DELETE and the token endpoint are not needed by the sequences.
STATEFUL_OPERATIONS = [
    CREATE,
    "POST_ExecuteInvoiceSchedule",
    "GET_BillRun",
    "GET_InvoiceSchedule",
    "PUT_PauseInvoiceSchedule",
    "PUT_ResumeInvoiceSchedule",
]
# The link chains the issue asks the stateful runs to follow, as operation-id sequences.
SEQUENCES = {
    "create → execute → retrieve bill run": (CREATE, "POST_ExecuteInvoiceSchedule", "GET_BillRun"),
    "pause → execute → resume → execute": (
        "PUT_PauseInvoiceSchedule",
        "POST_ExecuteInvoiceSchedule",
        "PUT_ResumeInvoiceSchedule",
        "POST_ExecuteInvoiceSchedule",
    ),
}


def _operation_id(case: Any) -> str:
    return str(case.operation.definition.raw.get("operationId", case.operation.label))


def _contains(walk: list[tuple[str, str | None]], sequence: tuple[str, ...]) -> bool:
    """True when `sequence` occurs in order within one scenario, every keyed step on the same schedule."""
    for key in {key for _, key in walk if key is not None}:
        position = 0
        for operation, step_key in walk:
            if position < len(sequence) and operation == sequence[position] and step_key in (key, None):
                position += 1
        if position == len(sequence):
            return True
    return False


class Fuzzer:
    """Owns what a fuzz run shares: target, budget, schedule pool, transport and counters."""

    def __init__(self, target: Target, provisioner: Provisioner, budget: Budget) -> None:
        self.target = target
        self.budget = budget
        self.pool = SchedulePool(provisioner, budget)
        self.transport = FuzzTransport(target, budget)
        self.modes: Counter[str] = Counter()
        self.sequences: Counter[str] = Counter()
        self.by_operation: Counter[str] = Counter()
        self.started = time.monotonic()
        self._index = 0
        self.unsent: Counter[str] = Counter()

    def run(self, case: Any) -> None:
        """One generated case: pin it to real data, send it through the suite's client, judge it."""
        if self.transport.exhausted():
            self.modes["not sent (request cap)"] += 1
            test = notes.current_test()
            self.unsent[test] += 1
            notes.note(
                "cap",
                f"{self.unsent[test]} generated case(s) not sent: the run's request cap "
                f"({self.budget.max_requests}, provisioning and polls included) was reached; raise FUZZ_MAX_REQUESTS",
            )
            if not self.by_operation[_operation_id(case)]:
                # Never pass having judged nothing: a test whose every case fell over the cap is skipped.
                pytest.skip(
                    f"the run's request cap ({self.budget.max_requests}) was reached before this test sent a case"
                )
            return
        if not self.pool.schedules:
            self.pool.fill()
        self.pool.pin(case, self._index)
        self._index += 1
        meta = case.meta
        self.modes["negative" if meta is not None and meta.generation.mode.is_negative else "positive"] += 1
        self.by_operation[_operation_id(case)] += 1
        judged_before = self.transport.not_judged
        try:
            response = self.transport.send(case)
        finally:
            if self.transport.not_judged > judged_before:
                notes.note("transient", f"{self.transport.not_judged} case(s) not judged: transient answers")
        judge(case, response, self.budget, self.target)

    def stateful_step(self, case: Any) -> Response:
        """One stateful step; a create sends the suite's own body so every scenario starts from a real schedule."""
        if self.transport.exhausted():
            hypothesis.reject()  # the run's request cap is reached
        if _operation_id(case) == CREATE:
            if not self.pool.can_create("stateful"):
                hypothesis.reject()  # the state machine's share of the schedule bound is used up
            self.pool.count_create("stateful")
            case.body = self.pool.provisioner.schedule_body(items=3)
        else:
            # Keep the key the link supplied; name one of that schedule's real items where the body names one.
            schedule = fuzzchecks.KNOWN_SCHEDULES.get(str((case.path_parameters or {}).get("scheduleKey")))
            if schedule is not None:
                pin_item(case, schedule, self._index)
        self._index += 1
        self.modes["stateful"] += 1
        response = self.transport.send(case)
        if _operation_id(case) == CREATE and response.status_code == 200:
            body = response.json()
            if isinstance(body, dict) and body.get("success") is not False:
                schedule = parse_schedule(body)
                self.pool.provisioner.track(schedule)
                fuzzchecks.remember(schedule)
        return Response.from_httpx(response, verify=True)

    def record_walk(self, walk: list[tuple[str, str | None]]) -> None:
        """Count which of the required link chains one scenario followed."""
        for name, sequence in SEQUENCES.items():
            if _contains(walk, sequence):
                self.sequences[name] += 1

    def machine(self, schema: Any) -> type[Any]:
        """The schema's state machine, sending through this fuzzer and judging with the project's checks."""
        base = schema.include(operation_id=STATEFUL_OPERATIONS).as_state_machine()
        fuzzer = self

        class ZuoraStateMachine(base):  # type: ignore[valid-type, misc]
            walk: list[tuple[str, str | None]]

            def setup(self) -> None:
                self.walk = []

            def call(self, case: Any, **kwargs: Any) -> Response:
                response = fuzzer.stateful_step(case)
                key = (case.path_parameters or {}).get("scheduleKey")
                if _operation_id(case) == CREATE:
                    body = response.json() if response.status_code == 200 else None
                    key = body.get("id") if isinstance(body, dict) else None
                self.walk.append((_operation_id(case), key))
                return response

            def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
                judge(case, response, fuzzer.budget, fuzzer.target)

            def teardown(self) -> None:
                fuzzer.record_walk(self.walk)

        return ZuoraStateMachine

    def settings(self) -> hypothesis.settings:
        """Bounded stateful settings: the schedules made are at most examples x creates per scenario."""
        derandomize = self.budget.seed is None
        return hypothesis.settings(
            max_examples=self.budget.stateful_examples,
            stateful_step_count=self.budget.stateful_steps,
            derandomize=derandomize,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )

    @property
    def total(self) -> int:
        """Cases actually sent (stateless and stateful), measured by the transport."""
        return sum(self.transport.sent.values())

    def summary(self) -> list[str]:
        """Lines for the terminal: what was generated and sent, measured, and how to reproduce it."""
        elapsed = time.monotonic() - self.started
        modes = self.modes
        lines = [
            f"fuzz: {self.total} generated cases sent in {elapsed:.1f}s ({modes['positive']} positive, "
            f"{modes['negative']} negative, {modes['stateful']} state-machine steps, {modes['sequence']} drawn "
            f"sequence executes; {modes['not sent (request cap)']} not sent: request cap "
            f"{self.budget.max_requests or 'none'}); seed: {self.budget.describe_seed()}",
            f"fuzz: max examples per operation {self.budget.max_examples}; schedules created "
            f"{self.pool.created} (bound {self.budget.max_schedules}); rate limit "
            f"{f'{self.budget.rate}/s' if self.budget.rate else 'none'}",
        ]
        lines += [f"fuzz: {count:5d}  {label}" for label, count in sorted(self.transport.sent.items())]
        lines += [f"fuzz: scenarios following {name}: {self.sequences[name]}" for name in SEQUENCES]
        return lines


class FuzzReport:
    """A pytest plugin registered at run time, so the measured counts appear without `-s`."""

    def __init__(self, fuzzer: Fuzzer) -> None:
        self.fuzzer = fuzzer

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Print the fuzz summary section."""
        terminalreporter.section("zuora fuzz")
        for line in self.fuzzer.summary():
            terminalreporter.write_line(line)


def start(request: pytest.FixtureRequest, target: Target, provisioner: Provisioner, budget: Budget) -> Fuzzer:
    """Create the run's fuzzer and register its report with pytest."""
    fuzzer = Fuzzer(target, provisioner, budget)
    log = request.config.stash.get(LOG_KEY, None)
    if log is not None:
        started = log.count
        fuzzer.transport.requests_made = lambda: log.count - started
    request.config.pluginmanager.register(FuzzReport(fuzzer), f"zuora-fuzz-report-{id(fuzzer)}")
    return fuzzer


__all__ = ["SCHEDULES", "Fuzzer", "start"]
