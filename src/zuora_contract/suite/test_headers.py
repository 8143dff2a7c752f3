"""Header rules judged across requests: version fallback, rate-limit syntax, gzip answers."""

from __future__ import annotations

import re

import pytest

from zuora_contract.catalogue.steps import require_not_transient
from zuora_contract.failures import ContractFailure, TargetError, raise_all
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.rules.checks import body_of, is_refusal
from zuora_contract.target import Target

# Recorded with pytest-recording under cassettes/test_headers/ (make record), replayed by make replay.
pytestmark = pytest.mark.vcr
NUMBER = re.compile(r"^\d+$")
# OAS-FULL components.headers: e.g. `2250000, 50000;w=60, 2250000;w=3600, 27000000;w=86400`.
RATE_LIMIT = re.compile(r"^\d+(;w=\d+)?(\s*,\s*\d+(;w=\d+)?)*$")
SYNTAX = {
    "RateLimit-Limit": RATE_LIMIT,
    "RateLimit-Remaining": NUMBER,
    "RateLimit-Reset": NUMBER,
    "Concurrency-Limit-Type": re.compile(r"^(Default|High-volume transactions|Object Query)$"),
    "Concurrency-Limit-Limit": NUMBER,
    "Concurrency-Limit-Remaining": NUMBER,
}


@pytest.mark.rule("versions.unsupported-is-tenant-default")
def test_versions_unsupported_value_answers_as_the_tenant_default(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """An unsupported Zuora-Version is treated as the default: the same refusal as no version at all."""
    provisioner.pause(schedule.id)
    plain = target.execute(schedule.id, {}, version=None)
    odd = target.execute(schedule.id, {}, version="1999-99-99-unsupported")
    for response in (plain, odd):
        require_not_transient(response)
        if not is_refusal(response):
            raise ContractFailure("a paused schedule was executed", f"HTTP {response.status_code}", "a refusal")
    if odd.status_code != plain.status_code:
        received = f"HTTP {odd.status_code} with the unsupported value"
        raise ContractFailure("an unsupported Zuora-Version changed the answer", received, f"HTTP {plain.status_code}")


@pytest.mark.rule("headers.rate-limit-syntax")
def test_headers_rate_limit_values_have_the_documented_syntax(target: Target, schedule: Schedule) -> None:
    """RateLimit-* and Concurrency-Limit-*, judged only when present."""
    response = target.execute(schedule.id, {})
    require_not_transient(response)
    present = {name: response.headers[name] for name in SYNTAX if name in response.headers}
    if not present:
        pytest.skip("the target sends no RateLimit-* or Concurrency-Limit-* header to judge")
    wrong = {name: value for name, value in present.items() if not SYNTAX[name].match(value.strip())}
    if wrong:
        raise ContractFailure("rate-limit headers out of their documented syntax", repr(wrong), "OAS-FULL's syntax")


@pytest.mark.rule("encoding.gzip-response-over-1000-bytes")
def test_encoding_gzip_answer_when_accepted_and_over_1000_bytes(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Content-Encoding: gzip when the request accepts it and the body exceeds 1000 bytes."""
    if target.replaying:
        pytest.skip("cassettes keep decoded bodies, so compression is judged on a live target only")
    response = target.request("GET", f"/v1/invoice-schedules/{schedule.id}", headers={"Accept-Encoding": "gzip"})
    require_not_transient(response)
    if is_refusal(response) or body_of(response) is None:
        raise TargetError(f"retrieving the schedule was refused (HTTP {response.status_code}); nothing to judge")
    size = len(response.content)
    if size <= 1000:
        pytest.skip(f"the schedule's answer is {size} bytes; the rule applies over 1000")
    encoding = response.headers.get("Content-Encoding", "")
    if "gzip" not in encoding.lower():
        raise_all([ContractFailure(f"a {size}-byte answer was not compressed", repr(encoding), "gzip")])
