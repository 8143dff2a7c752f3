"""--max-objects: the oldest finished records are forgotten first, unfinished ones never."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from mock_support import Api, get_token

from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import serve

DELAY = 0.05
ONE_ITEM = [{"name": "Only", "runDate": "2030-01-10", "amount": 10}]
# A blank run date is never executed, so this schedule never finishes and stays whatever the cap.
NEVER_DONE = [*ONE_ITEM, {"name": "Blank", "amount": 5}]


@pytest.fixture
def small() -> Iterator[Api]:
    # Room for a pending schedule (1 + 3 items), an unfinishable one (1 + 2) and a couple of runs.
    config = MockConfig(processing_delay=DELAY, max_objects=10)
    with serve(create_app(config)) as server, httpx.Client(base_url=server.url, timeout=5, verify=False) as client:
        yield Api(client, get_token(client, config))


def _run(api: Api, key: str, **kwargs: object) -> str:
    response = api.execute(key, **kwargs)
    assert response.status_code == 200, response.text
    run_id: str = response.json()["id"]
    time.sleep(DELAY * 1.5)  # let it finish, so it may be evicted
    return run_id


def test_retention_forgets_oldest_finished_bill_runs_first(small):
    pending = small.create()  # 3 items, none executed: never evicted however full the store gets
    kept = small.create(NEVER_DONE)
    runs = [_run(small, kept["id"]) for _ in range(12)]  # the item's run, then item-less runs
    assert small.request("GET", f"/v1/bill-runs/{runs[0]}").status_code == 404
    assert small.request("GET", f"/v1/bill-runs/{runs[-1]}").status_code == 200
    assert small.get(f"/v1/invoice-schedules/{pending['id']}")["status"] == "Pending"


def test_retention_forgets_fully_processed_schedules(small):
    done = small.create(ONE_ITEM)
    _run(small, done["id"])
    for _ in range(10):  # pushes the store over its cap with younger finished runs
        small.create(ONE_ITEM)
        _run(small, small.create(ONE_ITEM)["id"])
    assert small.request("GET", f"/v1/invoice-schedules/{done['id']}").status_code == 404
    assert small.request("GET", f"/v1/invoice-schedules/{done['number']}").status_code == 404


def test_retention_never_forgets_unfinished_objects(small):
    schedules = [small.create() for _ in range(5)]  # 20 objects, over the cap of 10, all Pending
    for schedule in schedules:
        assert small.get(f"/v1/invoice-schedules/{schedule['id']}")["status"] == "Pending"


def test_retention_forgets_oldest_idempotency_keys(small):
    kept = small.create(NEVER_DONE)
    first = _run(small, kept["id"], headers={"Idempotency-Key": "oldest"})
    for index in range(10):
        _run(small, kept["id"], headers={"Idempotency-Key": f"k{index}"})
    # The oldest key is forgotten, so the same key now runs again: a new bill run.
    assert _run(small, kept["id"], headers={"Idempotency-Key": "oldest"}) != first
