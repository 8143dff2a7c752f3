"""The two link sequences as explicit hypothesis-driven walks, each step judged by the fuzz checks.

Schemathesis' state machine follows the fragment's links at random and rarely completes a five-step
chain within a small budget, so the chains the suite must cover are walked here on purpose: the
links' targets are taken from the previous response (`$response.body#/id`), and the execute bodies
and headers are drawn by schemathesis from the fragment (positive mode).
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st
from schemathesis import GenerationMode

from zuora_contract.failures import ContractFailure, raise_all
from zuora_contract.fuzz import checks as fuzzchecks
from zuora_contract.fuzz.session import Fuzzer
from zuora_contract.fuzz.wiring import judge, pin_item
from zuora_contract.provision import Schedule, parse_schedule
from zuora_contract.rules.billruns import check_success_status
from zuora_contract.rules.checks import body_of, is_refusal

# Tenant-specific headers: a drawn value names no entity or org of the tenant and is refused there.
TENANT_HEADERS = ("Zuora-Entity-Ids", "Zuora-Org-Ids")


def _within_cap(fuzzer: Fuzzer) -> None:
    """A walk stops at the run's request cap, which counts every request, and says so."""
    if fuzzer.transport.exhausted():
        pytest.skip(f"the run's request cap ({fuzzer.budget.max_requests}) was reached during the sequence walks")


def _step(fuzzer: Fuzzer, schema: Any, operation_id: str, key: str | None, body: Any = None) -> Any:
    _within_cap(fuzzer)
    operation = schema.find_operation_by_id(operation_id)
    name = "billRunId" if operation_id == "GET_BillRun" else "scheduleKey"
    kwargs: dict[str, Any] = {"path_parameters": {name: key}} if key is not None else {}
    if body is not None:
        kwargs["body"] = body
    case = operation.Case(**kwargs)
    response = fuzzer.transport.send(case)
    judge(case, response, fuzzer.budget, fuzzer.target)
    return response


def _create(fuzzer: Fuzzer, schema: Any) -> Schedule:
    fuzzer.pool.count_create("sequence")
    body = fuzzer.pool.provisioner.schedule_body(items=3)
    response = _step(fuzzer, schema, "POST_CreateInvoiceSchedule", None, body)
    raise_all([] if response.status_code == 200 and not is_refusal(response) else check_success_status(response))
    schedule = parse_schedule(body_of(response))
    fuzzer.pool.provisioner.track(schedule)
    fuzzchecks.remember(schedule)
    return schedule


def _execute(fuzzer: Fuzzer, data: st.DataObject, schema: Any, schedule: Schedule) -> Any:
    """Execute with a drawn valid request: its body names the earliest pending item, or none."""
    _within_cap(fuzzer)
    operation = schema.find_operation_by_id("POST_ExecuteInvoiceSchedule")
    case = data.draw(operation.as_strategy(generation_mode=GenerationMode.POSITIVE), label="execute")
    case.path_parameters["scheduleKey"] = schedule.id
    if isinstance(case.body, dict):
        # spec §1.5: refusing unknown body fields (category 21) is UNKNOWN, so a drawn extra field is dropped.
        case.body = {key: value for key, value in case.body.items() if key == "scheduleItemId"}
    for name in TENANT_HEADERS:
        case.headers.pop(name, None)
    current = fuzzer.pool.provisioner.get_schedule(schedule.id)
    pending = current.pending()
    if pending:
        pin_item(case, Schedule(current.id, current.number, current.account_id, current.status, (pending[0],)), 0)
    response = fuzzer.transport.send(case)
    fuzzer.modes["sequence"] += 1
    judge(case, response, fuzzer.budget, fuzzer.target)
    return response


def _create_execute_get(fuzzer: Fuzzer, schema: Any, data: st.DataObject) -> None:
    schedule = _create(fuzzer, schema)
    executed = _execute(fuzzer, data, schema, schedule)
    raise_all(check_success_status(executed))
    bill_run_id = str(executed.json()["id"])
    retrieved = _step(fuzzer, schema, "GET_BillRun", bill_run_id)
    body = body_of(retrieved)
    if retrieved.status_code != 200 or not isinstance(body, dict) or body.get("id") != bill_run_id:
        raise ContractFailure("the linked bill run is not retrievable", f"HTTP {retrieved.status_code}", bill_run_id)
    fuzzer.sequences["create → execute → retrieve bill run"] += 1


def _pause_execute_resume_execute(fuzzer: Fuzzer, schema: Any, data: st.DataObject) -> None:
    schedule = _create(fuzzer, schema)
    _step(fuzzer, schema, "PUT_PauseInvoiceSchedule", schedule.id)
    refused = _execute(fuzzer, data, schema, schedule)
    if not is_refusal(refused):
        raise ContractFailure("a paused schedule was executed", f"HTTP {refused.status_code}", "a refusal")
    _step(fuzzer, schema, "PUT_ResumeInvoiceSchedule", schedule.id)
    raise_all(check_success_status(_execute(fuzzer, data, schema, schedule)))
    fuzzer.sequences["pause → execute → resume → execute"] += 1


def walk_sequences(fuzzer: Fuzzer, schema: Any) -> None:
    """Walk both chains `sequence_examples` times each with drawn requests, within the schedule bound."""

    @hypothesis.settings(fuzzer.settings(), max_examples=fuzzer.budget.sequence_examples)
    @hypothesis.given(data=st.data())
    def walk(data: st.DataObject) -> None:
        _create_execute_get(fuzzer, schema, data)
        _pause_execute_resume_execute(fuzzer, schema, data)

    walk()
