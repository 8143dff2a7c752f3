"""The suite against implementations we did not write: it must judge them, not crash on them.

Each target is served on loopback and the suite is run once per target, as a user runs it
(tests/interop/suite.py); the tests below read that one run from different sides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from tests.interop.suite import (
    ANSWER,
    BOUND_SECONDS,
    OPERATION,
    SENT,
    SUITE_EXCEPTION,
    TRACEBACK,
    UnreadableJUnit,
    UserRun,
    junit_counts,
    run_as_user,
)
from tests.interop.targets import TARGETS

from zuora_contract.catalogue.registry import load_registry

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Interop:
    name: str
    run: UserRun
    survived: bool


@pytest.fixture(
    scope="module",
    params=[pytest.param(name, marks=pytest.mark.xdist_group(name)) for name in TARGETS],
)
def interop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Interop]:
    """One suite run against one target; the target is stopped afterwards."""
    name = str(request.param)
    directory = tmp_path_factory.mktemp(name)
    with TARGETS[name](directory / "target.log") as served:
        run = run_as_user(served.url, directory / "reports", served.env)
        survived = served.alive()
    yield Interop(name, run, survived)


def _few(rules: set[str] | list[str]) -> str:
    """At most five ids and how many there are, so a message stays readable."""
    ordered = sorted(rules)
    return f"{len(ordered)} {ordered[:5]}{'…' if len(ordered) > 5 else ''}"


def _first_line(check: dict[str, object]) -> str:
    lines = str(check["message"] or "").strip().splitlines()
    return f"{check['id']} [{check['outcome']}]: {lines[0] if lines else '(no message)'}"[:300]


def test_interop_run_ends_nonconformant_within_bound(interop: Interop) -> None:
    """A target that breaks documented rules is judged nonconformant (exit 1) within 120 s, not `error`."""
    run = interop.run
    assert run.report, f"{interop.name}: no conformance.json; stderr:\n{run.stderr[-2000:]}"
    assert run.verdict == "nonconformant", f"{interop.name}: verdict {run.verdict}: {run.report.get('fatal')}"
    assert run.exit_code == 1, f"{interop.name}: exit code {run.exit_code}"
    assert run.seconds <= BOUND_SECONDS, f"{interop.name}: the run took {run.seconds:.0f} s"


def test_interop_messages_carry_no_suite_exception(interop: Interop) -> None:
    """No result message is a Python exception of the suite's own (a crash is not a verdict)."""
    crashed = [_first_line(check) for check in interop.run.checks() if SUITE_EXCEPTION.search(check["message"] or "")]
    assert not crashed, f"{interop.name}: {len(crashed)} results are suite exceptions:\n  " + "\n  ".join(crashed)


def test_interop_failures_name_operation_request_and_answer(interop: Interop) -> None:
    """Each failed or errored rule says which operation, what was sent, and what came back (message or exchange)."""
    vague = []
    for check in interop.run.checks("failed", "error", "warning"):
        message = f"{check['message'] or ''}\n{check.get('exchange') or ''}"
        missing = [
            part
            for part, pattern in (("operation", OPERATION), ("what was sent", SENT), ("what came back", ANSWER))
            if not pattern.search(message)
        ]
        if missing:
            vague.append(f"{_first_line(check)} -- lacks {', '.join(missing)}")
    assert not vague, f"{interop.name}: {len(vague)} messages are not self-explanatory:\n  " + "\n  ".join(vague)


def test_interop_junit_counts_match_the_json_report(interop: Interop) -> None:
    """Both JUnit files count the same failures and errors as conformance.json, rule by rule."""
    run = interop.run
    failed = {check["id"] for check in run.checks("failed")}
    errored = {check["id"] for check in run.checks("error")}
    totals = run.report.get("totals", {})
    expected = (totals.get("failed", 0), totals.get("error", 0))
    disagreements = []
    for name, path in run.junit_files().items():
        try:
            junit = junit_counts(path)
        except UnreadableJUnit as error:
            disagreements.append(f"{name} is unreadable: {error}")
            continue
        seen = (junit["failures"], junit["errors"])
        if seen != expected:
            disagreements.append(f"{name}: (failures, errors) = {seen}, conformance.json = {expected}")
        elif (junit["failed_rules"], junit["errored_rules"]) != (failed, errored):
            differ = (junit["failed_rules"] ^ failed) | (junit["errored_rules"] ^ errored)
            disagreements.append(f"{name}: these rules' outcomes differ from conformance.json: {_few(differ)}")
    assert not disagreements, f"{interop.name}: " + "; ".join(disagreements)


def test_interop_every_rule_appears_once_in_each_report(interop: Interop) -> None:
    """conformance.json and each JUnit file list each registered rule id exactly once (contracts/*.json)."""
    run = interop.run
    in_json = Counter(check["id"] for check in run.checks())
    problems = [f"conformance.json repeats {_few([rule for rule, n in in_json.items() if n > 1])}"]
    for name, path in run.junit_files().items():
        try:
            in_junit = Counter(junit_counts(path)["rules"])
        except UnreadableJUnit as error:
            problems.append(f"{name} is unreadable: {error}")
            continue
        problems.append(f"{name} repeats {_few([rule for rule, n in in_junit.items() if n > 1])}")
        problems.append(f"{name} lacks {_few(set(in_json) - set(in_junit))}")
        problems.append(f"{name} adds {_few(set(in_junit) - set(in_json))}")
    registered = set(load_registry())
    problems.append(f"conformance.json lacks registered rules {_few(registered - set(in_json))}")
    problems.append(f"conformance.json has unregistered rules {_few(set(in_json) - registered)}")
    problems = [problem for problem in problems if not problem.endswith(" 0 []")]
    assert not problems, f"{interop.name}: " + "; ".join(problems)


def test_interop_stdout_has_no_traceback(interop: Interop) -> None:
    """The user's terminal shows the table, not Python or pytest tracebacks."""
    found = TRACEBACK.findall(interop.run.stdout)
    assert not found, f"{interop.name}: {len(found)} traceback lines on stdout, first: {found[:3]}"


def test_interop_target_survives_the_run(interop: Interop) -> None:
    """The target was still answering at the end, so every verdict was about a live target."""
    assert interop.survived, f"{interop.name} exited during the run (Prism exits on an Accept that is not type/subtype)"
