"""Idempotency-Key: replay of the first answer, per client, with 409 and 422 where Zuora documents them."""

from __future__ import annotations

import pytest
from mock_support import get_token

from zuora_mock.errors import ApiError
from zuora_mock.idempotency import IdempotencyStore
from zuora_mock.messages import Reply


def test_idempotency_replays_execute_without_running_again(api):
    schedule = api.create()
    headers = {"Idempotency-Key": "exec-1", "Zuora-Track-Id": "first"}
    first = api.execute(schedule["id"], headers=headers)
    again = api.execute(schedule["id"], headers={**headers, "Zuora-Track-Id": "second"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.headers["Zuora-Request-Id"] != again.headers["Zuora-Request-Id"]
    assert again.headers["Zuora-Track-Id"] == "second"
    items = api.get(f"/v1/invoice-schedules/{schedule['id']}")["scheduleItems"]
    assert [item["status"] for item in items][1:] == ["Pending", "Pending"]


def test_idempotency_replays_a_failure_too(api):
    first = api.execute("IS-99999999", headers={"Idempotency-Key": "fail-1"})
    again = api.execute("IS-99999999", headers={"Idempotency-Key": "fail-1"})
    assert first.status_code == again.status_code == 404
    assert first.json() == again.json()


def test_idempotency_different_keys_run_twice(api):
    schedule = api.create()
    first = api.execute(schedule["id"], headers={"Idempotency-Key": "k-1"}).json()
    second = api.execute(schedule["id"], headers={"Idempotency-Key": "k-2"}).json()
    assert first["id"] != second["id"] and first["targetDate"] != second["targetDate"]


def test_idempotency_same_key_other_path_or_method_is_422(api):
    one, two = api.create(), api.create()
    api.execute(one["id"], headers={"Idempotency-Key": "shared"})
    for version in ("211.0", "2024-05-20"):
        other_path = api.execute(two["id"], headers={"Idempotency-Key": "shared", "Zuora-Version": version})
        assert other_path.status_code == 422 and other_path.json()["reasons"][0]["code"] == "50000020"
    other_method = api.request("PUT", f"/v1/invoice-schedules/{one['id']}/pause", headers={"Idempotency-Key": "shared"})
    assert other_method.status_code == 422
    assert api.get(f"/v1/invoice-schedules/{two['id']}")["status"] == "Pending"


def test_idempotency_key_survives_a_new_token_of_the_same_client(api, client):
    schedule = api.create()
    first = api.execute(schedule["id"], headers={"Idempotency-Key": "mine"}).json()
    api.token = get_token(client)  # a new token of the same client shares the key space
    assert api.execute(schedule["id"], headers={"Idempotency-Key": "mine"}).json() == first


def test_idempotency_key_over_255_characters_is_category_20(api):
    schedule = api.create()
    response = api.execute(schedule["id"], headers={"Idempotency-Key": "k" * 256})
    assert response.status_code == 400 and response.json()["reasons"][0]["code"] == "50000020"
    assert api.execute(schedule["id"], headers={"Idempotency-Key": "k" * 255}).status_code == 200


def test_idempotency_store_refuses_a_repeat_in_flight_with_409():
    store = IdempotencyStore(ttl=60)
    assert store.begin("client", "key", "POST", "/v1/x") is None
    with pytest.raises(ApiError) as raised:
        store.begin("client", "key", "POST", "/v1/x")
    assert raised.value.status == 409
    store.finish("client", "key", Reply(200, b"{}"))
    replay = store.begin("client", "key", "POST", "/v1/x")
    assert replay is not None and replay.body == b"{}"
    assert store.begin("other-client", "key", "POST", "/v1/x") is None


def test_idempotency_store_releases_key_after_5xx_and_expires():
    store = IdempotencyStore(ttl=60)
    store.begin("c", "k", "POST", "/p")
    store.finish("c", "k", Reply(500, b"{}"))
    assert store.begin("c", "k", "POST", "/p") is None
    expired = IdempotencyStore(ttl=0)
    expired.begin("c", "k", "POST", "/p")
    expired.finish("c", "k", Reply(200, b"{}"))
    assert expired.begin("c", "k", "POST", "/p") is None
