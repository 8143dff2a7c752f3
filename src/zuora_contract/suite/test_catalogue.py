"""Run every single-exchange case of the rule catalogue (`contracts/*.json`) against the target."""

from __future__ import annotations

import pytest

from zuora_contract.catalogue.cases import Case, load_cases
from zuora_contract.catalogue.runner import check_refusals_left_alone, run_case
from zuora_contract.failures import ConfigError, raise_all
from zuora_contract.provision import Provisioner

# Recorded with pytest-recording under cassettes/test_catalogue/ (make record), replayed by make replay.
pytestmark = pytest.mark.vcr

try:
    CASES = load_cases()
except ConfigError as error:
    pytest.exit(f"contract case files are invalid: {error}", returncode=4)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case.qualified_id,
            marks=pytest.mark.rule(case.qualified_id),
        )
        for case in CASES
    ],
)
def test_catalogue_case_holds(case: Case, provisioner: Provisioner) -> None:
    """One documented rule, as one exchange."""
    run_case(case, provisioner)


@pytest.mark.rule("refusals.nothing-executed-later")
def test_catalogue_refused_requests_execute_nothing_later(provisioner: Provisioner) -> None:
    """Runs after the cases: a refusal queued for asynchronous execution would show only now."""
    if not provisioner.refused:
        pytest.skip("no refused case ran in this process, so there is nothing to re-check")
    raise_all(check_refusals_left_alone(provisioner))
