"""OAuth client credentials and the gateway's 401 on /v1."""

from __future__ import annotations

import time

import httpx
from mock_support import CONFIG, get_token

from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import serve

FORM = {"client_id": CONFIG.client_id, "client_secret": CONFIG.client_secret, "grant_type": "client_credentials"}
CHALLENGE = "Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API"


def test_oauth_issues_bearer_token(client):
    response = client.post("/oauth/token", data=FORM)
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600 and isinstance(body["expires_in"], int)
    assert body["scope"].startswith("user.") and " tenant." in body["scope"]
    assert body["access_token"] and body["jti"]


def test_oauth_wrong_secret_is_401(client):
    response = client.post("/oauth/token", data={**FORM, "client_secret": "nope"})
    assert response.status_code == 401
    assert response.json() == {"message": "Authentication error"}


def test_oauth_missing_field_or_wrong_grant_is_400(client):
    missing = client.post("/oauth/token", data={"client_id": CONFIG.client_id, "grant_type": "client_credentials"})
    wrong_grant = client.post("/oauth/token", data={**FORM, "grant_type": "password"})
    assert missing.status_code == 400 and missing.json()["success"] is False
    assert wrong_grant.status_code == 400


def test_oauth_refresh_ignores_authorization_header(client):
    first = get_token(client)
    response = client.post("/oauth/token", data=FORM, headers={"Authorization": f"Bearer {first}"})
    assert response.status_code == 200
    assert response.json()["access_token"] != first


def test_oauth_token_expires_after_ttl():
    with serve(create_app(MockConfig(token_ttl=1))) as server, httpx.Client(base_url=server.url) as client:
        token = get_token(client)
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/v1/bill-runs/unknown", headers=headers).status_code == 200  # legacy: 200 + envelope
        time.sleep(1.05)
        assert client.get("/v1/bill-runs/unknown", headers=headers).status_code == 401


def test_auth_missing_or_garbage_token_is_401_whatever_the_version(client):
    for headers in ({}, {"Authorization": "Bearer garbage"}, {"Authorization": "Basic Zm9vOmJhcg=="}):
        for version in ({}, {"Zuora-Version": "211.0"}, {"Zuora-Version": "2024-05-20"}):
            response = client.post("/v1/invoice-schedules/IS-1/execute", json={}, headers={**headers, **version})
            assert response.status_code == 401
            assert response.headers["WWW-Authenticate"] == CHALLENGE
            body = response.json()
            assert body["success"] is False and body["reasons"][0]["code"] == "90000011"
            assert body["requestId"] == response.headers["Zuora-Request-Id"]


def test_auth_401_changes_nothing(api, client):
    schedule = api.create()
    response = client.post(f"/v1/invoice-schedules/{schedule['id']}/execute", json={})
    assert response.status_code == 401
    assert api.get(f"/v1/invoice-schedules/{schedule['id']}")["status"] == "Pending"
