"""The rule catalogue is valid data: schema-valid files, unique ids, and sources from the spec's list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zuora_contract.catalogue.cases import CONTRACTS_DIR, NOT_CASE_FILES, SCHEMA_PATH, load_cases
from zuora_contract.failures import ConfigError

KNOWN_TAGS = set(json.loads(SCHEMA_PATH.read_text())["$defs"]["source"]["properties"]["tag"]["enum"])


def test_contract_files_load_with_unique_ids() -> None:
    """Every file validates against case.schema.json and every qualified id is unique."""
    cases = load_cases()
    assert len({case.qualified_id for case in cases}) == len(cases) >= 40


def test_contract_files_family_matches_file_name() -> None:
    """A case's family is its file's stem, so report ids point at the file to read."""
    for path in CONTRACTS_DIR.glob("*.json"):
        if not path.name.endswith(".schema.json") and path.name not in NOT_CASE_FILES:
            assert json.loads(path.read_text())["family"] == path.stem


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{", "not readable JSON", id="not-json"),
        pytest.param('{"family": "x", "description": "d", "cases": []}', "at /cases", id="no-cases"),
        pytest.param(
            '{"family": "x", "description": "d", "cases": [{"id": "a", "description": "this should pass",'
            ' "level": "must", "source": [{"tag": "REF-HTML"}], "given": "pending-schedule",'
            ' "request": {}, "expect": {"outcome": "bill-run"}}]}',
            "at /cases/0/description",
            id="should-in-description",
        ),
        pytest.param(
            '{"family": "x", "description": "d", "cases": [{"id": "a", "description": "d", "level": "must",'
            ' "source": [{"tag": "MADE-UP"}], "given": "pending-schedule", "request": {},'
            ' "expect": {"outcome": "bill-run"}}]}',
            "at /cases/0/source/0/tag",
            id="unknown-source",
        ),
    ],
)
def test_contract_files_bad_file_names_its_location(tmp_path: Path, content: str, message: str) -> None:
    """A broken case file is refused with the file and the JSON pointer of the problem."""
    (tmp_path / "broken.json").write_text(content)
    with pytest.raises(ConfigError, match=message) as raised:
        load_cases(tmp_path)
    assert "broken.json" in str(raised.value)
