"""Thread safety of execute, and the concurrency gate's 429."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from mock_support import get_token

from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import serve

RUN_DATES = {"2030-01-10", "2030-02-10", "2030-03-10"}


def _execute_many(api, key, bodies):
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(lambda body: api.execute(key, body), bodies))


def test_concurrency_twenty_executes_bill_each_item_once(api):
    schedule = api.create()
    responses = _execute_many(api, schedule["id"], [{}] * 20)
    assert all(response.status_code == 200 for response in responses)
    dates = [response.json()["targetDate"] for response in responses]
    assert sorted(date for date in dates if date in RUN_DATES) == sorted(RUN_DATES)
    assert len({response.json()["id"] for response in responses}) == 20
    items = api.get(f"/v1/invoice-schedules/{schedule['id']}")["scheduleItems"]
    assert all(item["status"] != "Pending" for item in items)


def test_concurrency_twenty_executes_of_one_item_succeed_once(api):
    schedule = api.create()
    first = schedule["scheduleItems"][0]["id"]
    responses = _execute_many(api, schedule["id"], [{"scheduleItemId": first}] * 20)
    assert sorted(response.status_code for response in responses) == [200] + [400] * 19


def test_concurrency_limit_exceeded_is_429_with_retry_after():
    config = MockConfig(concurrency_limit=0)
    with serve(create_app(config)) as server, httpx.Client(base_url=server.url, verify=False) as client:
        token = get_token(client, config)  # /oauth/token is not bound by the concurrency limit
        for version in ("211.0", "2024-05-20"):
            response = client.get(
                "/v1/bill-runs/x", headers={"Authorization": f"Bearer {token}", "Zuora-Version": version}
            )
            assert response.status_code == 429
            assert response.headers["Retry-After"] == "1"
            assert response.json()["reasons"][0]["code"] == "50000070"
