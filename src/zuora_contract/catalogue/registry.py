"""The one registry of rule ids: the catalogue's cases and the multi-step rules, each id once."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from zuora_contract.catalogue.cases import CONTRACTS_DIR, SCHEMA_PATH, load_cases
from zuora_contract.catalogue.sources import Source, links
from zuora_contract.failures import ConfigError

SCENARIOS_PATH = CONTRACTS_DIR / "scenarios.json"
SCENARIOS_SCHEMA_PATH = CONTRACTS_DIR / "scenarios.schema.json"


@dataclass(frozen=True)
class Rule:
    """A rule as users see it: id, level, what it checks, where Zuora says so, and how it is judged."""

    id: str
    level: str
    description: str
    source: str
    note: str
    kind: str  # "case" (one exchange, contracts/<family>.json) or "scenario" (a multi-step test)

    @property
    def family(self) -> str:
        """The id's first segment."""
        return self.id.split(".", 1)[0]

    def sources(self) -> list[Source]:
        """The cited sources with their public URLs."""
        return links(self.source)


def _schema(path: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _scenario_rules(path: Path) -> list[Rule]:
    case_schema = _schema(SCHEMA_PATH)
    registry: Registry = Registry().with_resource(str(case_schema["$id"]), Resource.from_contents(case_schema))
    validator = Draft202012Validator(_schema(SCENARIOS_SCHEMA_PATH), registry=registry)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: not readable JSON: {error}") from None
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    if errors:
        where = "/" + "/".join(str(part) for part in errors[0].absolute_path)
        raise ConfigError(f"{path}: at {where}: {errors[0].message}")
    return [
        Rule(
            entry["id"],
            entry["level"],
            entry["description"],
            ", ".join(source["tag"] for source in entry["source"]),
            entry.get("note", ""),
            "scenario",
        )
        for entry in document["rules"]
    ]


@functools.cache
def load_registry() -> dict[str, Rule]:
    """Every rule by id; an id used twice (case or scenario) is a configuration error."""
    rules = [
        Rule(case.qualified_id, case.level, case.description, case.source_text, case.note, "case")
        for case in load_cases()
    ]
    rules += _scenario_rules(SCENARIOS_PATH)
    registry: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in registry:
            raise ConfigError(f"rule id {rule.id} is defined twice ({registry[rule.id].kind} and {rule.kind})")
        registry[rule.id] = rule
    return registry
