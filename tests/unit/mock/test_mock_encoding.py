"""gzip request bodies and gzip answers, including Accept-Encoding: identity as zuora-sdk sends it."""

from __future__ import annotations

import gzip
import json

from zuora_mock.encoding import accepts_gzip


def test_gzip_request_body_is_decompressed(api):
    body = gzip.compress(json.dumps({"accountKey": "A00000001", "scheduleItems": [{"amount": 1}]}).encode())
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    response = api.request("POST", "/v1/invoice-schedules", content=body, headers=headers)
    assert response.status_code == 200 and response.json()["totalAmount"] == 1.0


def test_gzip_bad_request_body_is_category_90(api):
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    for body in (b"not gzip at all", gzip.compress(b"{}")[:-6]):
        response = api.request("POST", "/v1/invoice-schedules", content=body, headers=headers)
        assert response.status_code == 400 and response.json()["reasons"][0]["code"] == "50000090"


def test_gzip_bomb_is_refused_without_5xx(api):
    bomb = gzip.compress(b" " * (3 << 20))
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    response = api.request("POST", "/v1/invoice-schedules", content=bomb, headers=headers)
    assert response.status_code == 400 and response.json()["reasons"][0]["code"] == "50000020"


def test_unknown_content_encoding_is_category_45(api):
    headers = {"Content-Encoding": "br", "Content-Type": "application/json"}
    response = api.request("POST", "/v1/invoice-schedules", content=b"{}", headers=headers)
    assert response.status_code == 415 and response.json()["reasons"][0]["code"] == "50000045"


def test_gzip_response_when_accepted_and_large(api, client):
    schedule = api.create()
    path = f"/v1/invoice-schedules/{schedule['id']}"
    with client.stream("GET", path, headers={**_auth(api), "Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
    assert json.loads(gzip.decompress(raw)) == schedule


def test_identity_and_small_bodies_are_not_compressed(api, client):
    schedule = api.create()
    path = f"/v1/invoice-schedules/{schedule['id']}"
    with client.stream("GET", path, headers={**_auth(api), "Accept-Encoding": "identity"}) as response:
        raw = b"".join(response.iter_raw())
        assert "Content-Encoding" not in response.headers
    assert json.loads(raw) == schedule
    with client.stream("GET", "/v1/bill-runs/x", headers={**_auth(api), "Accept-Encoding": "gzip"}) as small:
        small.read()
        assert "Content-Encoding" not in small.headers


def test_accept_encoding_parsing():
    assert accepts_gzip("gzip") and accepts_gzip("deflate, gzip;q=0.5") and accepts_gzip("*")
    assert not accepts_gzip("identity") and not accepts_gzip("gzip;q=0") and not accepts_gzip(None)
    assert not accepts_gzip("*, gzip;q=0") and not accepts_gzip("gzip;q=zero")


def _auth(api):
    return {"Authorization": f"Bearer {api.token}", "Zuora-Version": "2025-08-12"}
