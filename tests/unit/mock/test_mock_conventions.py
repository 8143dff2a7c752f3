"""Zuora-Version error conventions, request and track ids, common headers, 404 and 405."""

from __future__ import annotations

import re

import httpx
import pytest
from mock_support import get_token

from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import serve

ONE_ITEM = {"accountKey": "A00000001", "scheduleItems": [{"amount": 1}]}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _error_code(response):
    return response.json()["reasons"][0]["code"]


@pytest.mark.parametrize(
    ("version", "status"),
    [
        ("2024-05-20", 404),
        ("2025-08-12", 404),
        ("211.0", 200),
        ("186.0", 200),
        (None, 200),  # the tenant default, 186.0
        ("garbage", 200),  # unsupported values fall back to the default
        ("2024-02-30", 200),
    ],
)
def test_version_selects_error_status_convention(api, version, status):
    response = api.execute("IS-99999999", headers={"Zuora-Version": version})
    body = response.json()
    assert response.status_code == status
    assert body["success"] is False and body["reasons"][0]["code"] == "50000040"
    assert re.match(r"^[0-9A-F]{16}$", body["processId"]) and UUID.match(body["requestId"])


def test_version_header_name_is_case_insensitive(api):
    response = api.execute("IS-99999999", headers={"Zuora-Version": None, "zuora-version": "2024-05-20"})
    assert response.status_code == 404


def test_version_tenant_default_can_be_modern():
    config = MockConfig(tenant_version="2024-05-20")
    with serve(create_app(config)) as server, httpx.Client(base_url=server.url, verify=False) as client:
        token = get_token(client, config)
        response = client.get("/v1/bill-runs/x", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 404


def test_request_id_on_every_response(api, client):
    responses = [
        api.request("GET", "/v1/bill-runs/x"),
        client.get("/v1/bill-runs/x"),
        client.get("/nowhere"),
        client.get("/oauth/token"),
        client.post("/oauth/token", data={}),
        api.request("PATCH", "/v1/invoice-schedules/x"),
        api.request("POST", "/v1/invoice-schedules", content=b"{"),
    ]
    for response in responses:
        assert UUID.match(response.headers["Zuora-Request-Id"]), response.request.url
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
            assert name in response.headers
    ids = {response.headers["Zuora-Request-Id"] for response in responses}
    assert len(ids) == len(responses)


def test_concurrency_headers_on_v1_success(api):
    response = api.request("POST", "/v1/invoice-schedules", json=ONE_ITEM)
    assert response.headers["Concurrency-Limit-Type"] == "Default"
    assert response.headers["Concurrency-Limit-Limit"] == "40"
    assert 0 <= int(response.headers["Concurrency-Limit-Remaining"]) < 40


def test_track_id_is_echoed_on_success_and_errors(api, client):
    track = "trace-123_ABC.xyz/+=~"
    responses = [
        api.request("GET", "/v1/bill-runs/x", headers={"Zuora-Track-Id": track}),
        api.request("GET", "/v1/bill-runs/x", headers={"Zuora-Track-Id": track, "Zuora-Version": "211.0"}),
        client.get("/v1/bill-runs/x", headers={"Zuora-Track-Id": track}),
        api.request(
            "POST",
            "/v1/invoice-schedules",
            json=ONE_ITEM,
            headers={"Zuora-Track-Id": track},
        ),
    ]
    assert [response.headers.get("Zuora-Track-Id") for response in responses] == [track] * 4
    assert "Zuora-Track-Id" not in api.request("GET", "/v1/bill-runs/x").headers


@pytest.mark.parametrize("track", ["x" * 65, "a:b", "a;b", 'a"b', "a'b", "caf\u00e9"])
def test_track_id_invalid_is_refused_and_not_echoed(api, track):
    response = api.request("GET", "/v1/bill-runs/x", headers={"Zuora-Track-Id": track.encode("latin-1")})
    assert response.status_code == 400
    assert _error_code(response) == "50000020"
    assert "Zuora-Track-Id" not in response.headers


def test_track_id_of_64_characters_is_accepted(api):
    track = "t" * 64
    assert api.request("GET", "/v1/bill-runs/x", headers={"Zuora-Track-Id": track}).headers["Zuora-Track-Id"] == track


def test_unknown_path_is_404_whatever_the_version(api):
    for version in ("211.0", "2024-05-20"):
        response = api.request("GET", "/v1/nothing-here", headers={"Zuora-Version": version})
        assert response.status_code == 404 and _error_code(response) == "50000040"
    assert api.request("GET", "/v1/invoice-schedules/x/execute/more").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/v1/invoice-schedules/IS-1/execute", "POST"),
        ("PUT", "/v1/invoice-schedules/IS-1", "DELETE, GET"),
        ("DELETE", "/v1/invoice-schedules", "POST"),
        ("POST", "/v1/bill-runs/x", "GET"),
        ("HEAD", "/v1/bill-runs/x", "GET"),
        ("OPTIONS", "/v1/invoice-schedules/IS-1/pause", "PUT"),
        ("FROB", "/v1/invoice-schedules/IS-1/resume", "PUT"),
    ],
)
def test_wrong_method_is_405_with_allow_whatever_the_version(api, method, path, allow):
    for version in ("211.0", "2024-05-20"):
        response = api.request(method, path, headers={"Zuora-Version": version})
        assert response.status_code == 405
        assert response.headers["Allow"] == allow
        if method != "HEAD":
            assert _error_code(response) == "50000045"


@pytest.mark.parametrize(
    "accept", ["autoEmail", "application/xml", "*/*", "nonsense;;;q=x", "autoEmail, billRunNumber"]
)
def test_any_accept_header_gets_json(api, accept):
    schedule = api.create()
    response = api.execute(schedule["id"], headers={"Accept": accept})
    assert response.status_code == 200 and response.json()["status"] == "Pending"


def test_entity_and_org_headers_are_ignored(api):
    headers = {"Zuora-Entity-Ids": "nonsense", "Zuora-Org-Ids": "a,b"}
    assert api.request("GET", "/v1/bill-runs/x", headers=headers).status_code == 404
