"""The token-answer check: what zuora-sdk needs to stay authenticated, and no credential in its messages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from zuora_contract.rules.tokens import check_token_response

TOKEN = "0123456789abcdef0123456789abcdef"
GOOD: dict[str, Any] = {
    "access_token": TOKEN,
    "token_type": "bearer",
    "expires_in": 3599,
    "scope": "user.x",
    "jti": "j",
}


def _messages(body: Any, status: int = 200) -> str:
    return "\n".join(str(failure) for failure in check_token_response(httpx.Response(status, json=body)))


@pytest.mark.parametrize("changes", [{}, {"expires_in": 3598.5}, {"token_type": "Bearer"}], ids=str)
def test_token_check_accepts_documented_answers(changes: dict[str, Any]) -> None:
    assert _messages({**GOOD, **changes}) == ""


@pytest.mark.parametrize("expires_in", ["3600", True, None, [3600]], ids=repr)
def test_token_check_refuses_non_numeric_expiry_naming_the_sdk(expires_in: Any) -> None:
    message = _messages({**GOOD, "expires_in": expires_in})
    assert "expires_in is not a JSON number" in message
    assert "zuora-sdk leaves the client silently unauthenticated" in message


def test_token_check_refuses_missing_expiry() -> None:
    body = {key: value for key, value in GOOD.items() if key != "expires_in"}
    assert "(absent)" in _messages(body)


@pytest.mark.parametrize(("field", "value"), [("access_token", ""), ("access_token", None), ("token_type", "mac")])
def test_token_check_refuses_unusable_token_fields(field: str, value: Any) -> None:
    assert field in _messages({**GOOD, field: value})


def test_token_check_refuses_a_refusal_without_echoing_it() -> None:
    message = _messages({"message": "Authentication error"}, status=401)
    assert "HTTP 401" in message and "Authentication error" not in message


def test_token_check_never_shows_the_token() -> None:
    message = _messages({**GOOD, "token_type": 7, "expires_in": "soon"})
    assert message and TOKEN not in message
