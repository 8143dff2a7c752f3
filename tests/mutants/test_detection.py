"""Detection power: the suite passes the reference mock and catches every deliberately broken variant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.mutants.catalog import MUTANTS, Mutant
from tests.mutants.harness import fresh_app, run_suite, served

from zuora_contract.catalogue.cases import load_cases

pytestmark = pytest.mark.slow


def test_reference_mock_is_conformant_without_warnings(tmp_path: Path) -> None:
    """The correct mock gets zero failures and zero should-warnings (no false positives)."""
    with served(fresh_app()) as url:
        run, _ = run_suite(url, tmp_path)
    assert run.verdict == "conformant", run.output
    assert run.failed() == set(), run.output
    assert run.exit_code == 0


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda mutant: mutant.name)
def test_mutant_is_caught_by_its_rules(mutant: Mutant, tmp_path: Path, record_property: Any) -> None:
    """The expected rules fail, the verdict is nonconformant, and nothing implausible fails alongside."""
    with served(mutant.build(fresh_app())) as url:
        run, report = run_suite(url, tmp_path)
    failed = run.failed()
    record_property("mutant", mutant.name)
    record_property("killed", run.verdict == "nonconformant" and mutant.kills <= failed)
    assert run.verdict == "nonconformant", f"{mutant.name} survived:\n{run.output}"
    assert run.exit_code == 1
    assert mutant.kills <= failed, f"expected {sorted(mutant.kills - failed)} to fail; failed: {sorted(failed)}"
    implausible = sorted(rule for rule in failed if not mutant.allows(rule))
    assert not implausible, f"{mutant.name} also failed unrelated rules {implausible}"
    if mutant.consequence:
        messages = " ".join(run.message(rule, report) for rule in mutant.kills)
        assert "zuora-sdk" in messages, f"the client consequence is not named: {messages[:500]}"


def test_every_must_rule_has_a_killing_mutant() -> None:
    """Each `must` case and scenario is expected to catch at least one mutant, by id or family."""
    must_ids = {case.qualified_id for case in load_cases() if case.level == "must"}
    covered = {rule for mutant in MUTANTS for rule in mutant.kills}
    families = {rule.split(".", 1)[0] for rule in covered}
    uncovered = sorted(rule for rule in must_ids if rule not in covered and rule.split(".", 1)[0] not in families)
    assert not uncovered, f"must rules no mutant is expected to trip: {uncovered}"
