"""Spec drift: every stored response still matches the current fragment and the catalogue's rule code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zuora_contract.cassettes.drift import all_cassettes, drift_problems, load_exchanges
from zuora_contract.spec import SPEC_PATH

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = all_cassettes(ROOT / "cassettes")
BILL_RUN_NUMBER = re.compile(r"(\n    BillRunResponse:\n(?:.*\n)*?        billRunNumber:\n          type: )string")


def test_cassette_drift_has_cassettes_to_check() -> None:
    folders = {path.parent.name for path in CASSETTES}
    assert {"documented", "test_documented_samples", "test_catalogue", "test_scenarios"} <= folders


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_cassette_drift_none_against_the_current_fragment(cassette: Path) -> None:
    assert load_exchanges(cassette), f"{cassette} holds no exchange"
    problems = drift_problems(cassette)
    assert not problems, "\n".join(problems[:10])


def _fragment_with_integer_bill_run_number(tmp_path: Path) -> Path:
    original = SPEC_PATH.read_text(encoding="utf-8")
    changed, count = BILL_RUN_NUMBER.subn(r"\1integer", original)
    assert count == 1, "the fragment no longer declares BillRunResponse.billRunNumber as a string"
    copy = tmp_path / "execute-invoice-schedule.yaml"
    copy.write_text(changed, encoding="utf-8")
    return copy


def test_cassette_drift_detected_when_a_field_type_changes(tmp_path: Path) -> None:
    """A fragment that types billRunNumber as an integer contradicts every recorded and documented bill run."""
    modified = _fragment_with_integer_bill_run_number(tmp_path)
    documented = [path for path in CASSETTES if path.parent.name == "documented"]
    for cassette in documented:
        assert any(
            "/billRunNumber" in problem and "integer" in problem for problem in drift_problems(cassette, modified)
        )
    recorded = [path for path in CASSETTES if path.parent.name == "test_documented_samples"]
    assert all(drift_problems(cassette, modified) for cassette in recorded)
    assert not any(drift_problems(cassette) for cassette in documented + recorded), "the unmodified fragment passes"


def test_cassette_drift_detected_when_a_response_is_undocumented(tmp_path: Path) -> None:
    cassette = tmp_path / "undocumented.yaml"
    cassette.write_text(
        "interactions:\n- request: {body: '', headers: {}, method: PATCH, uri: 'http://x/v1/invoice-schedules/1'}\n"
        "  response: {body: {string: '{}'}, headers: {Content-Type: [application/json]}, status: {code: 200}}\n"
        "version: 1\n",
        encoding="utf-8",
    )
    assert drift_problems(cassette) == [
        "undocumented.yaml#0 PATCH /v1/invoice-schedules/1 -> 200: "
        "PATCH /v1/invoice-schedules/1 is not an operation of the fragment"
    ]
