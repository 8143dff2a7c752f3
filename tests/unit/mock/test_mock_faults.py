"""Injected faults and latency: Zuora's envelopes, no state change, seeded reproducibility, the CLI options."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from mock_support import CONFIG, MODERN, SERVERS, Api, get_token

from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.faults import FaultInjector
from zuora_mock.server import serve

EIGHT_DIGITS = re.compile(r"^\d{8}$")


def _api(config: MockConfig) -> Iterator[Api]:
    with serve(create_app(config)) as server, httpx.Client(base_url=server.url, timeout=5, verify=False) as client:
        yield Api(client, get_token(client, config))


@pytest.fixture
def always_429() -> Iterator[Api]:
    yield from _api(MockConfig(processing_delay=0.05, fault_rate=1.0, fault_statuses=(429,)))


def test_faults_429_is_common_response_with_retry_after_and_ids(always_429):
    response = always_429.request("GET", "/v1/bill-runs/x", headers={"Zuora-Track-Id": "trace-1"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.headers["Zuora-Track-Id"] == "trace-1"
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False and body["processId"]
    assert body["requestId"] == response.headers["Zuora-Request-Id"]
    [reason] = body["reasons"]
    assert EIGHT_DIGITS.match(reason["code"]) and reason["code"].endswith("70") and reason["message"]


def test_faults_503_is_error_response_without_success_flag():
    for api in _api(MockConfig(fault_rate=1.0, fault_statuses=(503,))):
        response = api.request("GET", "/v1/bill-runs/x", headers={"Zuora-Track-Id": "bad;value"})
        assert response.status_code == 503
        assert "Zuora-Track-Id" not in response.headers  # a forbidden track id is never echoed
        assert len(response.headers["Zuora-Request-Id"]) == 36
        body = response.json()
        assert set(body) == {"reasons"}
        assert EIGHT_DIGITS.match(body["reasons"][0]["code"]) and body["reasons"][0]["code"].endswith("60")


def test_faults_change_no_state_and_spare_the_token_endpoint(always_429):
    # The token came from /oauth/token despite fault_rate 1.0; a faulted execute creates no bill run.
    app = FaultInjector(create_app(CONFIG), rate=0.0)
    with serve(app) as server, httpx.Client(base_url=server.url, timeout=5, verify=False) as client:
        api = Api(client, get_token(client))
        schedule = api.create()
        app.rate, app.statuses = 1.0, (429,)
        body = {"scheduleItemId": schedule["scheduleItems"][0]["id"]}
        refused = api.execute(schedule["id"], body, headers={"Idempotency-Key": "k1"})
        assert refused.status_code == 429
        app.rate = 0.0
        assert api.get(f"/v1/invoice-schedules/{schedule['id']}")["scheduleItems"][0]["status"] == "Pending"
        # The key was never stored, so the retry runs for real.
        retried = api.execute(schedule["id"], body, headers={"Idempotency-Key": "k1"})
        assert retried.status_code == 200 and retried.json()["billRunNumber"] == "BR-00000001"


def _statuses(seed: int) -> list[int]:
    statuses = []
    for api in _api(MockConfig(fault_rate=0.5, fault_seed=seed)):
        statuses = [api.request("GET", "/v1/bill-runs/x").status_code for _ in range(40)]
    return statuses


def test_faults_seed_reproduces_the_sequence_and_rate_is_roughly_kept():
    first, again = _statuses(7), _statuses(7)
    assert first == again
    assert set(first) == {404, 429, 503}
    assert 8 <= sum(status != 404 for status in first) <= 32


def test_faults_latency_delays_every_answer():
    for api in _api(MockConfig(latency_ms=60)):
        started = time.perf_counter()
        response = api.request("GET", "/v1/bill-runs/x", headers={"Zuora-Version": MODERN})
        assert response.status_code == 404
        assert time.perf_counter() - started >= 0.06


def test_faults_refuse_a_status_that_is_not_a_fault():
    with pytest.raises(ValueError, match="fault statuses"):
        FaultInjector(create_app(), rate=0.5, statuses=(200,))


@pytest.mark.parametrize("server", SERVERS)
def test_faults_cli_options_reach_the_server(server):
    command = [sys.executable, "-m", "zuora_mock", "--port", "0", "--server", server, "--fault-rate", "1"]
    command += ["--fault-statuses", "503"]
    process = subprocess.Popen([*command, "--fault-seed", "1"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        assert httpx.get(f"{url}/v1/bill-runs/x", timeout=5).status_code == 503
    finally:
        process.terminate()
        process.communicate(timeout=5)


def test_faults_cli_refuses_bad_values():
    for args in (["--fault-rate", "1.5"], ["--fault-statuses", "200"], ["--fault-statuses", "x"]):
        process = subprocess.run(
            [sys.executable, "-m", "zuora_mock", "--port", "0", *args], capture_output=True, text=True, timeout=10
        )
        assert process.returncode == 2 and "fault" in process.stderr
