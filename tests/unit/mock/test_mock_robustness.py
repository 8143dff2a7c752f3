"""Client mistakes of every kind get an envelope and a 4xx (or legacy 200), never a 5xx; bugs get a 500."""

from __future__ import annotations

import json
import socket

import pytest

from zuora_mock import handlers
from zuora_mock.errors import SYSTEM_ERROR

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("body", "headers", "code"),
    [
        (b"", JSON, "50000090"),
        (b"{", JSON, "50000090"),
        (b"[]", JSON, "50000090"),
        (b'"x"', JSON, "50000090"),
        (b"null", JSON, "50000090"),
        (b"\xff\xfe{}", JSON, "50000090"),
        (b'{"scheduleItemId": NaN}', JSON, "50000090"),
        (b"[" * 100000, JSON, "50000090"),
        (b'{"a": ' + b"9" * 5000 + b"}", JSON, "50000090"),
        (b"{}", {"Content-Type": "text/plain"}, "50000045"),
        (b"scheduleItemId=x", {"Content-Type": "application/x-www-form-urlencoded"}, "50000045"),
        (b'{"scheduleItemId": "\\ud800"}', JSON, "50000040"),
        (b'{"scheduleItemId": "\xe2\x98\x83"}', JSON, "50000040"),
        (b"{}" + b" " * (1 << 20), JSON, "50000020"),
    ],
)
def test_malformed_execute_bodies_get_envelopes(api, body, headers, code):
    schedule = api.create()
    response = api.request("POST", f"/v1/invoice-schedules/{schedule['id']}/execute", content=body, headers=headers)
    assert response.status_code < 500
    assert response.json()["reasons"][0]["code"] == code
    after = api.get(f"/v1/invoice-schedules/{schedule['id']}")
    assert after["status"] == "Pending"


@pytest.mark.parametrize(
    "items",
    [
        [{"amount": 10**14}],
        [{"amount": "1e400"}],
        [{"amount": "-5"}],
        [{"amount": 1, "runDate": 20300101}],
        [{"amount": 1, "runDate": "2030-1-1"}],
        [{"amount": 1, "targetDateForAdditionalSubscriptions": "tomorrow"}],
        ["not an object"],
        "not a list",
    ],
)
def test_malformed_create_fields_are_category_20(api, items):
    body = json.dumps({"accountKey": "A00000001", "scheduleItems": items}).encode()
    response = api.request("POST", "/v1/invoice-schedules", content=body, headers=JSON)
    assert response.status_code == 400 and response.json()["reasons"][0]["code"] == "50000020"


def test_legacy_version_reports_client_mistakes_as_200(api):
    schedule = api.create()
    response = api.request(
        "POST",
        f"/v1/invoice-schedules/{schedule['id']}/execute",
        content=b"{",
        headers={**JSON, "Zuora-Version": "211.0"},
    )
    assert response.status_code == 200 and response.json()["success"] is False


def test_infinite_amount_is_category_20(api):
    body = b'{"accountKey": "A00000001", "scheduleItems": [{"amount": 1e400}]}'
    response = api.request("POST", "/v1/invoice-schedules", content=body, headers=JSON)
    assert response.status_code == 400 and response.json()["reasons"][0]["code"] == "50000020"


def test_odd_paths_are_404(api):
    for path in ("/v1/invoice-schedules/%00%ff/execute/x", "/v1/bill-runs/%E2%98%83/x", "/", "/v1", "/v2/x"):
        assert api.request("GET", path).status_code == 404


def _raw(server, payload: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(payload)
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /v1/bill-runs/x HTTP/9.9\r\n\r\n", 505),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n", 431),
        (b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n", 431),
    ],
)
def test_http_level_refusals_still_answer_json(server, payload, status):
    code, headers, body = _raw(server, payload)
    assert code == status
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert len(headers["Zuora-Request-Id"]) == 36
    assert json.loads(body)["success"] is False


def test_bad_content_length_is_category_20(server, api):
    request = (
        b"POST /v1/invoice-schedules HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token.encode() + b"\r\n"
        b"Zuora-Version: 2024-05-20\r\nContent-Type: application/json\r\nContent-Length: ten\r\n"
        b"Connection: close\r\n\r\n{}"
    )
    code, _, body = _raw(server, request)
    assert code == 400 and json.loads(body)["reasons"][0]["code"] == "50000020"


def test_chunked_body_is_read(server, api):
    body = json.dumps({"accountKey": "A00000001", "scheduleItems": [{"amount": 1}]}).encode()
    request = (
        b"POST /v1/invoice-schedules HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token.encode() + b"\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + b"%x\r\n" % len(body)
        + body
        + b"\r\n0\r\n\r\n"
    )
    code, _, answer = _raw(server, request)
    assert code == 200 and json.loads(answer)["totalAmount"] == 1.0


def test_non_ascii_header_values_do_not_crash(api):
    headers = {"Zuora-Version": "\xe9\xe9".encode("latin-1"), "Idempotency-Key": "cl\xe9".encode("latin-1")}
    schedule = api.create()
    response = api.execute(schedule["id"], headers=headers)
    assert response.status_code == 200


def test_internal_error_is_500_error_response(api, monkeypatch):
    def broken(store, call):
        raise RuntimeError("bug")

    monkeypatch.setitem(handlers.HANDLERS, "get_bill_run", broken)
    response = api.request("GET", "/v1/bill-runs/x", headers={"Zuora-Track-Id": "t-500"})
    assert response.status_code == 500
    assert response.json() == SYSTEM_ERROR
    assert response.headers["Zuora-Track-Id"] == "t-500" and len(response.headers["Zuora-Request-Id"]) == 36
