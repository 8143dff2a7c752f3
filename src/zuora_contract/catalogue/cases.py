"""The rule catalogue as data: load `contracts/*.json`, validated by `contracts/case.schema.json`."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from zuora_contract.failures import ConfigError
from zuora_contract.spec import DATA_DIR

CONTRACTS_DIR = DATA_DIR / "contracts"
SCHEMA_PATH = CONTRACTS_DIR / "case.schema.json"
# Files beside the case files that hold other things: the scenario rules, the sources, the schemas.
NOT_CASE_FILES = frozenset({"scenarios.json", "sources.json"})


@dataclass(frozen=True)
class Case:
    """One single-exchange rule: a precondition, a request, and the documented expectation."""

    family: str
    id: str
    description: str
    level: str
    source: tuple[dict[str, str], ...]
    given: str
    request: dict[str, Any]
    expect: dict[str, Any]
    note: str = ""

    @property
    def qualified_id(self) -> str:
        """`<family>.<id>`: the pytest id, the report id and the cassette name."""
        return f"{self.family}.{self.id}"

    @property
    def source_text(self) -> str:
        """The source tags, for the report."""
        return ", ".join(entry["tag"] for entry in self.source)


def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def load_file(path: Path, validator: Draft202012Validator | None = None) -> list[Case]:
    """Parse and validate one case file; any problem names the file and the JSON pointer."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: not readable JSON: {error}") from None
    errors = sorted((validator or _validator()).iter_errors(document), key=lambda error: list(error.absolute_path))
    if errors:
        where = "/" + "/".join(str(part) for part in errors[0].absolute_path)
        raise ConfigError(f"{path}: at {where}: {errors[0].message}")
    family = document["family"]
    return [
        Case(
            family=family,
            id=entry["id"],
            description=entry["description"],
            level=entry["level"],
            source=tuple(entry["source"]),
            given=entry["given"],
            request=entry["request"],
            expect=entry["expect"],
            note=entry.get("note", ""),
        )
        for entry in document["cases"]
    ]


@functools.cache
def load_cases(directory: Path = CONTRACTS_DIR) -> tuple[Case, ...]:
    """Every case of every file, in a stable order; duplicate qualified ids are refused."""
    validator = _validator()
    files = [
        path
        for path in sorted(directory.glob("*.json"))
        if not path.name.endswith(".schema.json") and path.name not in NOT_CASE_FILES
    ]
    cases = [case for path in files for case in load_file(path, validator)]
    seen: set[str] = set()
    for case in cases:
        if case.qualified_id in seen:
            raise ConfigError(f"duplicate contract case id {case.qualified_id}")
        seen.add(case.qualified_id)
    return tuple(cases)
