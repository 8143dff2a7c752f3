"""Zuora's own documented execute samples, replayed by VCR.py through the sample tests' response checks.

The cassettes in `cassettes/documented/` are transcribed from the documentation page named in their
header; passing here shows that the suite accepts Zuora's own output.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import vcr
import yaml

from zuora_contract.cassettes.recording import configure_vcr, vcr_config
from zuora_contract.failures import raise_all
from zuora_contract.rules.billruns import check_bill_run_shape, check_filter_echo, check_success_status
from zuora_contract.rules.checks import check_json_content_type
from zuora_contract.spec import SPEC_PATH

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED = ROOT / "cassettes" / "documented"
DOCS_URL = (
    "https://docs.zuora.com/en/zuora-billing/bill-your-customer/leverage-advanced-capabilities/flexible-billing/"
    "billing-schedule/billing-schedule-tutorials/execute-invoice-schedules/execute-invoice-schedules-through-the-rest-api"
)
# The ids of the documented samples, read off the page: the schedule, its account and the named item.
SCHEDULE_ID = "e717da75dae645bdb63723d364e8547d"
ACCOUNT_ID = "8a90c1d47f07e24b017f0811c06a0b8b"
ITEM_ID = "8a90f5088459f34f01845a62a33b1787"
SAMPLES = [("execute-with-item.yaml", {"scheduleItemId": ITEM_ID}, ITEM_ID), ("execute-without-item.yaml", {}, None)]


def _replay(path: Path, body: dict[str, str]) -> httpx.Response:
    """Send the documented request through httpx under any base URL; VCR.py answers from the cassette."""
    recorder = vcr.VCR(record_mode="none", **vcr_config())
    configure_vcr(recorder)
    with recorder.use_cassette(str(path)), httpx.Client(base_url="http://127.0.0.1:9") as client:
        response = client.post(f"/v1/invoice-schedules/{SCHEDULE_ID}/execute", json=body)
        response.read()
        return response


@pytest.mark.parametrize(("name", "body", "item"), SAMPLES)
def test_documented_cassette_passes_the_sample_response_checks(
    name: str, body: dict[str, str], item: str | None
) -> None:
    response = _replay(DOCUMENTED / name, body)
    raise_all(check_success_status(response))
    payload = response.json()
    failures = check_bill_run_shape(payload) + check_json_content_type(response)
    failures += check_filter_echo(payload, SCHEDULE_ID, ACCOUNT_ID, item)
    raise_all(failures)


@pytest.mark.parametrize("name", [name for name, _, _ in SAMPLES])
def test_documented_cassette_is_labelled_with_its_source(name: str) -> None:
    text = (DOCUMENTED / name).read_text(encoding="utf-8")
    assert text.startswith("# TRANSCRIBED FROM THE ZUORA DOCUMENTATION, NOT RECORDED.")
    assert DOCS_URL in text
    assert yaml.safe_load(text)["metadata"]["transcribed_from"] == DOCS_URL


def test_documented_cassette_bodies_are_the_fragments_verbatim_examples() -> None:
    """The transcription and the fragment's examples (both copied from the page) say the same thing."""
    fragment = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    examples = fragment["paths"]["/v1/invoice-schedules/{scheduleKey}/execute"]["post"]["responses"]["200"]
    expected = examples["content"]["application/json"]["examples"]
    for name, example in (("execute-with-item.yaml", "withItem"), ("execute-without-item.yaml", "withoutItem")):
        stored = yaml.safe_load((DOCUMENTED / name).read_text(encoding="utf-8"))
        assert json.loads(stored["interactions"][0]["response"]["body"]["string"]) == expected[example]["value"]


def test_documented_cassette_refuses_a_request_the_page_does_not_show() -> None:
    with pytest.raises(vcr.errors.CannotOverwriteExistingCassetteException):
        _replay(DOCUMENTED / "execute-with-item.yaml", {"scheduleItemId": "another-item"})
