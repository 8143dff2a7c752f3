"""The OAuth token answer, judged as the clients that parse it: zuora-sdk needs a numeric expires_in."""

from __future__ import annotations

import pytest

from zuora_contract.failures import raise_all
from zuora_contract.rules.tokens import check_token_response, request_token
from zuora_contract.target import Target


@pytest.mark.rule("auth.token-expires-in-number")
def test_token_answer_has_numeric_expiry_and_bearer_token(target: Target) -> None:
    """`expires_in` is a JSON number, `token_type` bearer and `access_token` a non-empty string."""
    if not (target.settings.client_id and target.settings.client_secret):
        pytest.skip("the run authenticates with ZUORA_BEARER_TOKEN only: no client credentials to request a token")
    raise_all(check_token_response(request_token(target)))
