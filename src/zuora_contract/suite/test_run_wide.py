"""Rules judged on what the whole run met, after every other test (in its process); live runs only.

Not recorded in cassettes: what a replay meets is what the recording met, so there is nothing to judge.
"""

from __future__ import annotations

import pytest

from zuora_contract.failures import ContractFailure
from zuora_contract.session_state import LOG_KEY
from zuora_contract.target import Target


@pytest.mark.rule("headers.retry-after-on-429")
def test_headers_a_429_met_in_this_run_carries_retry_after(request: pytest.FixtureRequest, target: Target) -> None:
    """Judged last, on the 429s the run met (it never provokes one): each says when to retry."""
    log = request.config.stash.get(LOG_KEY, None)
    met = log.rate_limited if log is not None else []
    if not met:
        pytest.skip("no 429 answer occurred in this run; the suite never provokes one on purpose")
    missing = sorted({where for where, has_retry_after in met if not has_retry_after})
    if missing:
        raise ContractFailure(
            f"{len(missing)} kind(s) of request got a 429 without Retry-After", repr(missing[:5]), "Retry-After"
        )
