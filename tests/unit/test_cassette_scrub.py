"""Scrubbing, seeded ids and request matching: the pieces that make cassettes safe and replayable."""

from __future__ import annotations

import json
from typing import Any

import pytest
from vcr.request import Request

from zuora_contract.cassettes import ids
from zuora_contract.cassettes.recording import MATCH_ON, match_body, match_headers
from zuora_contract.cassettes.scrub import PSEUDONYM_PREFIX, Scrubber, rules_from_env

SECRET = "top-secret-value"


def _scrubber(extra: str = "") -> Scrubber:
    return Scrubber(rules_from_env({"ZUORA_SCRUB_FIELDS": extra}), key=b"k" * 32)


def _response(body: dict[str, Any]) -> dict[str, Any]:
    content = json.dumps(body).encode()
    headers = {"Content-Type": ["application/json"], "Content-Length": [str(len(content))], "Set-Cookie": ["s=1"]}
    return {"status": {"code": 200, "message": "OK"}, "headers": headers, "body": {"string": content}}


def test_cassette_scrub_removes_credentials_from_requests() -> None:
    form = f"client_id=abc&client_secret={SECRET}&grant_type=client_credentials".encode()
    headers = {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/x-www-form-urlencoded"}
    request = _scrubber().request(Request("POST", "http://h/oauth/token", form, headers))
    assert "Authorization" not in request.headers
    assert SECRET.encode() not in request.body and b"grant_type=client_credentials" in request.body


def test_cassette_scrub_replaces_tokens_and_configured_fields_in_responses() -> None:
    body = {"access_token": SECRET, "nested": [{"accountId": "8a90"}], "accountNumber": "A1", "status": "Pending"}
    response = _scrubber("accountId, accountNumber").response(_response(body))
    stored = json.loads(response["body"]["string"])
    assert SECRET not in json.dumps(stored) and stored["status"] == "Pending"
    assert stored["nested"][0]["accountId"].startswith(PSEUDONYM_PREFIX)
    assert "Set-Cookie" not in response["headers"]
    assert response["headers"]["Content-Length"] == [str(len(response["body"]["string"]))]


def test_cassette_scrub_pseudonyms_are_stable_and_idempotent() -> None:
    scrubber = _scrubber()
    first = scrubber.pseudonym("A00000001")
    assert first == scrubber.pseudonym("A00000001") == scrubber.pseudonym(first)
    assert first != Scrubber(scrubber.rules).pseudonym("A00000001"), "the key is per run, so values cannot be guessed"


def test_cassette_scrub_keeps_bodies_it_cannot_parse() -> None:
    headers = {"Content-Type": "application/json"}
    request = _scrubber().request(Request("POST", "http://h/x", b'{"scheduleItemId": ', headers))
    assert request.body == b'{"scheduleItemId": '


def test_cassette_ids_repeat_under_a_seed_and_differ_without() -> None:
    ids.seed("recorded")
    first = [ids.track_id(), ids.unknown_id(), ids.randbelow(10**7)]
    ids.seed("recorded")
    assert [ids.track_id(), ids.unknown_id(), ids.randbelow(10**7)] == first
    ids.seed(None)
    assert ids.idempotency_key() != ids.idempotency_key()


def _request(uri: str, body: bytes, **headers: str) -> Request:
    return Request("POST", uri, body, {"Content-Type": "application/json", **headers})


def test_cassette_matching_ignores_origin_and_dates() -> None:
    assert "host" not in MATCH_ON and "scheme" not in MATCH_ON and "port" not in MATCH_ON
    recorded = _request("http://127.0.0.1:4321/v1/invoice-schedules", b'{"runDate": "2026-12-05", "n": 1}')
    replayed = _request("http://replay.invalid/v1/invoice-schedules", b'{"runDate": "2027-01-09", "n": 1}')
    match_body(recorded, replayed)
    match_headers(recorded, replayed)


def test_cassette_matching_refuses_another_track_id_or_body() -> None:
    recorded = _request("http://a/x", b"{}", **{"Zuora-Track-Id": "contract-1"})
    with pytest.raises(AssertionError):
        match_headers(recorded, _request("http://a/x", b"{}", **{"Zuora-Track-Id": "contract-2"}))
    with pytest.raises(AssertionError):
        match_body(recorded, _request("http://a/x", b'{"scheduleItemId": "x"}'))
