"""Cleanup leaves no schedule the Zuora Scheduler could execute: Pending ones are deleted, the rest paused."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from zuora_contract.provision import Provisioner
from zuora_contract.report.results import Report, render_table
from zuora_contract.rules.checks import is_refusal
from zuora_contract.settings import load_settings
from zuora_contract.target import Target, open_target
from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import serve


def _open(url: str, config: MockConfig) -> Target:
    """The suite's target for a served reference mock, with its demo credentials."""
    env = {
        "ZUORA_BASE_URL": url,
        "ZUORA_CLIENT_ID": config.client_id,
        "ZUORA_CLIENT_SECRET": config.client_secret,
        "ZUORA_ACCOUNT_KEY": "A00000001",
    }
    return open_target(load_settings(env))


@pytest.fixture
def provisioner() -> Iterator[Provisioner]:
    """A provisioner on a reference mock served over HTTP."""
    config = MockConfig(processing_delay=0.05)
    with serve(create_app(config)) as server:
        target = _open(server.url, config)
        try:
            yield Provisioner(target)
        finally:
            target.close()


def _gone(target: Target, key: str) -> bool:
    """The mock answers an unknown schedule with a refusal (HTTP 200 `success: false` under the default 186.0)."""
    return is_refusal(target.request("GET", f"/v1/invoice-schedules/{key}"))


def test_cleanup_deletes_pending_and_paused_untouched_schedules(provisioner: Provisioner) -> None:
    """A Pending schedule is deleted; one paused before any item ran is resumed, then deleted."""
    pending = provisioner.create_schedule()
    paused = provisioner.create_schedule()
    provisioner.pause(paused.id)
    settled = provisioner.cleanup()
    assert [(entry.number, entry.state) for entry in settled] == [
        (pending.number, "deleted"),
        (paused.number, "deleted"),
    ]
    assert _gone(provisioner.target, pending.id)
    assert _gone(provisioner.target, paused.id)
    assert provisioner.target.created == {}


def test_cleanup_pauses_a_partly_executed_schedule(provisioner: Provisioner) -> None:
    """Zuora refuses to delete a PartiallyProcessed schedule, so it is paused: the Scheduler skips it."""
    schedule = provisioner.create_schedule()
    assert provisioner.target.execute(schedule.id, {}).status_code == 200
    time.sleep(0.2)
    (entry,) = provisioner.cleanup()
    assert entry.state == "paused"
    assert provisioner.get_schedule(schedule.id).status == "Paused"


def test_cleanup_reports_a_schedule_already_gone_as_deleted(provisioner: Provisioner) -> None:
    """A schedule a test deleted itself is reported deleted, from what the target says."""
    schedule = provisioner.create_schedule()
    provisioner.target.request("DELETE", f"/v1/invoice-schedules/{schedule.id}")
    assert [entry.state for entry in provisioner.cleanup()] == ["deleted"]


def test_cleanup_never_fails_when_the_target_is_gone(provisioner: Provisioner) -> None:
    """An unreachable target leaves the schedule listed as `left unknown`, and cleanup returns."""
    schedule = provisioner.create_schedule()
    provisioner.target.client.base_url = httpx.URL("http://127.0.0.1:9")  # nothing listens there
    provisioner.target.retries.seconds = 0  # no waiting to reconnect
    (entry,) = provisioner.cleanup()
    assert (entry.id, entry.state) == (schedule.id, "left unknown")


def test_report_lists_the_tenant_section() -> None:
    """The JSON report lists every schedule; the table counts them and names each one left executable."""
    report = Report("t", "http://x", "test", None, False)
    report.tenant = [
        {"id": "a", "number": "IS-1", "state": "deleted"},
        {"id": "b", "number": "IS-2", "state": "paused"},
        {"id": "c", "number": "IS-3", "state": "left PartiallyProcessed"},
    ]
    assert report.as_dict()["tenant"] == report.tenant
    lines = "\n".join(render_table(report))
    assert "created 3 schedules: 1 deleted, 1 left PartiallyProcessed, 1 paused" in lines
    assert "IS-2" in lines
    assert "LEFT PARTIALLYPROCESSED: IS-3 (c)" in lines


def test_pause_whose_answer_was_lost_is_not_an_error() -> None:
    """A pause applied but answered 502 is retried; the retry's 'already paused' is read back as done."""
    config = MockConfig(processing_delay=0.05)
    app = create_app(config)
    lost: list[str] = []

    def lose_first_pause_answer(environ: Any, start_response: Any) -> Any:
        if environ["PATH_INFO"].endswith("/pause") and not lost:
            lost.append(environ["PATH_INFO"])
            app(environ, lambda *args: None)  # applied, but the answer never arrives
            start_response("502 Bad Gateway", [("Content-Length", "0")])
            return [b""]
        return app(environ, start_response)

    with serve(lose_first_pause_answer) as server:
        target = _open(server.url, config)
        try:
            provisioner = Provisioner(target)
            schedule = provisioner.create_schedule()
            assert provisioner.pause(schedule.id).status == "Paused"
            assert lost
            provisioner.cleanup()
        finally:
            target.close()
