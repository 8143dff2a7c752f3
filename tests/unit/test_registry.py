"""One registry of rule ids: every rule once, every test's id registered, every schema enum implemented."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import zuora_contract.suite
from zuora_contract.catalogue.cases import CONTRACTS_DIR, SCHEMA_PATH
from zuora_contract.catalogue.registry import _scenario_rules, load_registry
from zuora_contract.catalogue.runner import AUTH_HEADERS, KEY_FORMS
from zuora_contract.catalogue.sources import load_sources, tags_in
from zuora_contract.catalogue.states import PLACEHOLDERS, PRECONDITIONS
from zuora_contract.failures import ConfigError

CONTRACT_TESTS = Path(zuora_contract.suite.__file__).parent


def _marker_ids() -> set[str]:
    """Rule ids named by `@pytest.mark.rule("...")` in the suite's test modules."""
    found = set()
    for path in CONTRACT_TESTS.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_rule = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "rule"
            if is_rule and node.args and isinstance(node.args[0], ast.Constant):
                found.add(str(node.args[0].value))
    return found


def test_registry_every_scenario_rule_has_a_test_and_every_test_a_rule() -> None:
    """A scenario id in contracts/scenarios.json without a test, or a test id without an entry, is caught."""
    scenarios = {rule.id for rule in load_registry().values() if rule.kind == "scenario"}
    assert _marker_ids() == scenarios


def test_registry_refuses_an_id_used_twice(tmp_path: Path) -> None:
    """A scenario that reuses a case's id is refused with both kinds named."""
    document = json.loads((CONTRACTS_DIR / "scenarios.json").read_text())
    document["rules"].append(dict(document["rules"][0]))
    path = tmp_path / "scenarios.json"
    path.write_text(json.dumps(document))
    rules = _scenario_rules(path)
    assert len({rule.id for rule in rules}) == len(rules) - 1
    load_registry.cache_clear()
    try:
        import zuora_contract.catalogue.registry as registry

        original = registry.SCENARIOS_PATH
        registry.SCENARIOS_PATH = path
        with pytest.raises(ConfigError, match="defined twice"):
            load_registry()
    finally:
        registry.SCENARIOS_PATH = original
        load_registry.cache_clear()


def test_registry_every_cited_source_has_a_public_url() -> None:
    """Each tag a rule cites resolves to an https URL in contracts/sources.json."""
    sources = load_sources()
    for rule in load_registry().values():
        for tag in tags_in(rule.source):
            assert tag in sources, f"{rule.id} cites {tag}"
            assert sources[tag].url.startswith("https://"), tag
    schema_tags = json.loads(SCHEMA_PATH.read_text())["$defs"]["source"]["properties"]["tag"]["enum"]
    assert set(schema_tags) == set(sources)


def test_registry_notes_stand_alone() -> None:
    """No rule cites a section of an unpublished document."""
    for rule in load_registry().values():
        assert "spec §" not in rule.note and "§" not in rule.note, rule.id


def test_registry_schema_enums_match_the_code() -> None:
    """A `given`, `key`, `auth` or placeholder value exists in the schema exactly when the code implements it."""
    defs = json.loads(SCHEMA_PATH.read_text())["$defs"]
    assert set(defs["case"]["properties"]["given"]["enum"]) == set(PRECONDITIONS)
    assert set(defs["request"]["properties"]["key"]["enum"]) == set(KEY_FORMS)
    assert set(defs["request"]["properties"]["auth"]["enum"]) == {"default", "none", *AUTH_HEADERS}
    assert set(defs["placeholder"]["enum"]) == PLACEHOLDERS


def test_registry_readme_states_the_current_rule_count() -> None:
    """The README's rule count is the registry's, so it cannot go stale."""
    rules = load_registry().values()
    must = sum(rule.level == "must" for rule in rules)
    cases = sum(rule.kind == "case" for rule in rules)
    expected = (
        f"**{len(rules)} rules: {must} must, {len(rules) - must} should** ({cases} single-exchange cases, "
        f"{len(rules) - cases} multi-step rules)"
    )
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert expected in " ".join(readme.split()), expected
