"""Idempotency-Key rules (DEV-IDEMP): replay, a new key, and what the same key must never do twice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from zuora_contract.cassettes import ids
from zuora_contract.catalogue.steps import execute_ok, executed, require_not_transient, statuses
from zuora_contract.failures import ContractFailure, TargetError, raise_all
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.rules.billruns import check_success_status
from zuora_contract.rules.checks import body_of, is_refusal, require_judgeable
from zuora_contract.target import Target

# Recorded with pytest-recording under cassettes/test_idempotency/ (make record), replayed by make replay.
pytestmark = pytest.mark.vcr
# Headers that differ between any two answers, replayed or not.
VOLATILE_HEADERS = frozenset(
    {"date", "zuora-request-id", "content-length", "connection", "keep-alive", "content-encoding",
     "transfer-encoding", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "concurrency-limit-type",
     "concurrency-limit-limit", "concurrency-limit-remaining", "server", "set-cookie", "zuora-track-id"}
)  # fmt: skip


def _pending_ids(provisioner: Provisioner, schedule: Schedule) -> set[str]:
    return {item for item, status in statuses(provisioner, schedule).items() if status == "Pending"}


@pytest.mark.rule("idempotency.replay")
def test_idempotency_same_key_replays_without_executing(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """A repeated Idempotency-Key returns the first status and body, and executes nothing new."""
    key = ids.idempotency_key()
    first = target.execute(schedule.id, {}, headers={"Idempotency-Key": key})
    require_judgeable(first)
    raise_all(check_success_status(first))
    # Judge the replay only once the first execution is seen to have run; else "nothing new" proves nothing.
    executed(provisioner, schedule, schedule.require_pending(2, provisioner.item_count)[0].id, first.json())
    before = statuses(provisioner, schedule)
    second = target.execute(schedule.id, {}, headers={"Idempotency-Key": key})
    require_judgeable(second, "the replay")
    failures: list[ContractFailure] = []
    if second.status_code != first.status_code or body_of(second) != body_of(first):
        received = f"HTTP {second.status_code} {str(body_of(second))[:200]}"
        failures.append(ContractFailure("repeat with the same key was not replayed", received, "the first response"))
    pending_after = [item for item, status in statuses(provisioner, schedule).items() if status == "Pending"]
    if len(pending_after) != len([status for status in before.values() if status == "Pending"]):
        failures.append(ContractFailure("repeat with the same key executed again", repr(pending_after), repr(before)))
    raise_all(failures)


@pytest.mark.rule("idempotency.new-key-executes")
def test_idempotency_different_key_executes_again(target: Target, provisioner: Provisioner, schedule: Schedule) -> None:
    """A different Idempotency-Key is a new request: a new bill run for the next item."""
    first_item, second_item, *_ = schedule.require_pending(2, provisioner.item_count)
    first = execute_ok(target, schedule.id, {}, headers={"Idempotency-Key": ids.idempotency_key()})
    executed(provisioner, schedule, first_item.id, first)
    current = provisioner.get_schedule(schedule.id)
    second = execute_ok(target, schedule.id, {}, headers={"Idempotency-Key": ids.idempotency_key()})
    if first["id"] == second["id"]:
        raise ContractFailure("a new key replayed the earlier bill run", repr(second["id"]), "a new bill run id")
    executed(provisioner, current, second_item.id, second)


@pytest.mark.rule("idempotency.replays-refusals")
def test_idempotency_replays_a_refusal_after_the_cause_is_gone(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """The stored result is replayed 'whether the call succeeded or failed': a refusal stays a refusal."""
    key = ids.idempotency_key()
    provisioner.pause(schedule.id)
    refused = target.execute(schedule.id, {}, headers={"Idempotency-Key": key})
    require_judgeable(refused)
    if not is_refusal(refused):
        raise ContractFailure("a paused schedule was executed", f"HTTP {refused.status_code}", "a refusal")
    provisioner.resume(schedule.id)
    replay = target.execute(schedule.id, {}, headers={"Idempotency-Key": key})
    require_judgeable(replay, "the replay")
    if replay.status_code != refused.status_code or body_of(replay) != body_of(refused):
        received = f"HTTP {replay.status_code} {str(body_of(replay))[:200]}"
        raise ContractFailure("repeat of a refused request was not replayed", received, "the stored refusal")


@pytest.mark.rule("idempotency.other-body-not-executed")
def test_idempotency_same_key_other_body_never_executes_twice(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """The same key with another body is replayed or refused (409/422), and executes nothing new."""
    first_item, second_item, *_ = schedule.require_pending(2, provisioner.item_count)
    key = ids.idempotency_key()
    first = execute_ok(target, schedule.id, {}, headers={"Idempotency-Key": key})
    executed(provisioner, schedule, first_item.id, first)
    second = target.execute(schedule.id, {"scheduleItemId": second_item.id}, headers={"Idempotency-Key": key})
    require_not_transient(second)
    replayed = second.status_code == 200 and body_of(second) == first
    failures: list[ContractFailure] = []
    if not (replayed or is_refusal(second)):
        received = f"HTTP {second.status_code} {str(body_of(second))[:200]}"
        failures.append(
            ContractFailure("a reused key with another body was executed", received, "the replay, or 409/422")
        )
    if second_item.id not in _pending_ids(provisioner, schedule):
        failures.append(ContractFailure("a reused key executed a second item", second_item.id, "still Pending"))
    raise_all(failures)


@pytest.mark.rule("idempotency.other-url-refused")
def test_idempotency_same_key_on_another_schedule_gets_422(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """DEV-IDEMP: reusing a key for another URL 'typically' gets 422."""
    key = ids.idempotency_key()
    execute_ok(target, schedule.id, {}, headers={"Idempotency-Key": key})
    other = provisioner.create_schedule()
    reused = target.execute(other.id, {}, headers={"Idempotency-Key": key})
    require_not_transient(reused)
    if reused.status_code != 422:
        received = f"HTTP {reused.status_code} {str(body_of(reused))[:200]}"
        raise ContractFailure("a key reused on another schedule's URL was not refused with 422", received, "HTTP 422")


@pytest.mark.rule("idempotency.in-flight-at-most-once")
def test_idempotency_concurrent_duplicates_execute_at_most_once(
    target: Target, provisioner: Provisioner, schedule: Schedule
) -> None:
    """Duplicates sent while the first is in flight get 409 or the replay; one execution happens at most."""
    first_item, *_ = schedule.require_pending(2, provisioner.item_count)
    key = ids.idempotency_key()

    def attempt(_: int) -> httpx.Response:
        return target.execute(schedule.id, {}, headers={"Idempotency-Key": key})

    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(attempt, range(3)))
    for response in responses:
        require_not_transient(response)
    successes = [response for response in responses if not is_refusal(response)]
    if not successes:
        raise TargetError(f"every duplicate was refused (HTTP {[r.status_code for r in responses]}); not judged")
    failures: list[ContractFailure] = []
    bill_runs = {str((body_of(response) or {}).get("id")) for response in successes}
    if len(bill_runs) > 1:
        failures.append(ContractFailure("one key executed more than once", repr(sorted(bill_runs)), "one bill run"))
    others = [r.status_code for r in responses if is_refusal(r) and r.status_code not in {409, 200}]
    if others:
        failures.append(ContractFailure("an in-flight duplicate got another answer", repr(others), "409 or the replay"))
    executed(provisioner, schedule, first_item.id, successes[0].json())
    left = (_pending_ids(provisioner, schedule) ^ {item.id for item in schedule.pending()}) - {first_item.id}
    if left:
        failures.append(ContractFailure("duplicates executed further items", repr(sorted(left)), "only the first"))
    raise_all(failures)


@pytest.mark.rule("idempotency.replay-headers")
def test_idempotency_replay_carries_the_original_headers(target: Target, schedule: Schedule) -> None:
    """DEV-IDEMP: the stored status code, headers and body come back; per-answer headers aside."""
    key = ids.idempotency_key()
    first = target.execute(schedule.id, {}, headers={"Idempotency-Key": key})
    require_judgeable(first)
    raise_all(check_success_status(first))
    replay = target.execute(schedule.id, {}, headers={"Idempotency-Key": key})
    require_judgeable(replay, "the replay")

    def stable(response: httpx.Response) -> dict[str, str]:
        return {name: value for name, value in response.headers.items() if name.lower() not in VOLATILE_HEADERS}

    if stable(replay) != stable(first):
        raise ContractFailure(
            "the replay's headers differ from the original's", repr(stable(replay)), repr(stable(first))
        )
