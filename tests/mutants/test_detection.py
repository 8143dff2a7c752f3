"""Detection power: the suite passes the reference mock and catches every deliberately broken variant."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.mutants.catalog import MUTANTS as FIRST_EDITION
from tests.mutants.catalog import UNDEMONSTRATED, Mutant
from tests.mutants.catalog_second import SECOND_EDITION
from tests.mutants.harness import ROOT, SUITE, fresh_app, run_suite, served

from zuora_contract.catalogue.registry import load_registry

pytestmark = pytest.mark.slow
MUTANTS = FIRST_EDITION + SECOND_EDITION

# Collects the suite in a child pytest (as a run would) and writes each rule marker's id and level.
COLLECT_RULES = """
import json, sys
import pytest

class Rules:
    found = {}

    def pytest_collection_finish(self, session):
        from zuora_contract.report.outcomes import rule_of  # after pytest.main registers the import hook

        for item in session.items:
            rule = rule_of(item)
            if rule is not None:
                self.found[rule[0]] = rule[1]

rules = Rules()
code = pytest.main([*sys.argv[2:], "--collect-only", "-q", "-p", "no:cacheprovider"], plugins=[rules])
with open(sys.argv[1], "w") as handle:
    json.dump(rules.found, handle)
sys.exit(int(code))
"""


@pytest.fixture(scope="module")
def rule_levels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every rule id with its level: the registry's, and those of the `rule` markers pytest collects."""
    out = tmp_path_factory.mktemp("rules") / "rules.json"
    child = subprocess.run(
        [sys.executable, "-c", COLLECT_RULES, str(out), *SUITE],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert child.returncode == 0, f"collecting the suite failed:\n{child.stdout[-2000:]}{child.stderr[-2000:]}"
    levels: dict[str, str] = json.loads(out.read_text())
    assert "samples.with-item" in levels, f"the child collected no rule markers: {sorted(levels)}"
    levels.update({rule.id: rule.level for rule in load_registry().values()})
    return levels


def test_reference_mock_is_conformant_without_warnings(tmp_path: Path) -> None:
    """The correct mock gets zero failures and zero should-warnings (no false positives)."""
    with served(fresh_app()) as url:
        run, _ = run_suite(url, tmp_path)
    assert run.verdict == "conformant", run.output
    assert run.failed() == set(), run.output
    assert run.exit_code == 0


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda mutant: mutant.name)
def test_mutant_is_caught_by_its_rules(mutant: Mutant, tmp_path: Path, record_property: Any) -> None:
    """The expected rules fail, the verdict is nonconformant, and only rules the defect reaches fail."""
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


def test_mutant_catalog_names_only_existing_rules(rule_levels: dict[str, str]) -> None:
    """Every id a mutant expects or allows, and every undemonstrated entry, is a rule the suite reports."""
    named = {rule for mutant in MUTANTS for rule in mutant.kills | mutant.plausible | mutant.fuzz_kills}
    named |= set(UNDEMONSTRATED)
    assert sorted(named - set(rule_levels)) == []


def test_every_must_rule_is_killed_by_a_named_mutant_or_listed_undemonstrated(rule_levels: dict[str, str]) -> None:
    """By id: each `must` rule is in the `kills` of a mutant the suite catches, or in UNDEMONSTRATED with a reason."""
    must = {rule for rule, level in rule_levels.items() if level == "must"}
    demonstrated = {rule for mutant in MUTANTS for rule in mutant.kills | mutant.fuzz_kills}
    assert sorted(must - demonstrated - set(UNDEMONSTRATED)) == [], "must rules no mutant is named to kill"
    assert sorted(set(UNDEMONSTRATED) & demonstrated) == [], "listed as undemonstrated, yet a mutant kills them"
    assert sorted(rule for rule in UNDEMONSTRATED if rule_levels.get(rule) != "must") == []
    assert all(reason.strip() for reason in UNDEMONSTRATED.values())
