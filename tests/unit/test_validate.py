"""`validate` judges recorded exchanges, HAR or cassette, against the fragment and the single-response rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.documented import RESPONSE_WITH_ITEM

from zuora_contract.cassettes.validate import validate_paths
from zuora_contract.failures import ConfigError

ROOT = Path(__file__).resolve().parents[2]
REQUEST_ID = "d7479cf6-b410-4630-b841-268ccd48f0d2"


def _entry(method: str, url: str, status: int, body: Any, track_id: str | None = None) -> dict[str, Any]:
    sent = [{"name": "Zuora-Track-Id", "value": track_id}] if track_id else []
    answer = [{"name": "Content-Type", "value": "application/json"}, {"name": "Zuora-Request-Id", "value": REQUEST_ID}]
    answer += [{"name": "Zuora-Track-Id", "value": track_id}] if track_id else []
    return {
        "request": {"method": method, "url": url, "headers": sent},
        "response": {"status": status, "headers": answer, "content": {"text": json.dumps(body)}},
    }


def _har(tmp_path: Path, *entries: dict[str, Any]) -> Path:
    path = tmp_path / "session.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": list(entries)}}))
    return path


def test_validate_documented_sample_in_a_har_conforms(tmp_path: Path) -> None:
    """Zuora's own sample passes; an unrelated request of the browser session is skipped, not judged."""
    har = _har(
        tmp_path,
        _entry("POST", "https://rest.test.zuora.com/v1/invoice-schedules/IS-1/execute", 200, RESPONSE_WITH_ITEM, "t-1"),
        _entry("GET", "https://rest.test.zuora.com/favicon.ico", 200, {}),
    )
    result = validate_paths([har])
    assert result.problems == [] and result.judged == 1 and len(result.skipped) == 1
    assert result.exit_code == 0


def test_validate_reports_a_broken_bill_run_and_a_lost_track_id(tmp_path: Path) -> None:
    """An integer billRunNumber breaks the schema; a track id sent but not echoed breaks the echo rule."""
    broken = dict(RESPONSE_WITH_ITEM, billRunNumber=170238)
    entry = _entry("POST", "https://example.test/v1/invoice-schedules/IS-1/execute", 200, broken, "t-2")
    entry["response"]["headers"] = entry["response"]["headers"][:2]
    result = validate_paths([_har(tmp_path, entry)])
    assert result.exit_code == 1
    text = "\n".join(result.problems)
    assert "billRunNumber" in text and "Zuora-Track-Id not echoed" in text


def test_validate_the_repository_cassettes_conform() -> None:
    """Every recorded cassette of this repository passes (the drift test's check, through `validate`)."""
    result = validate_paths(sorted((ROOT / "cassettes").rglob("*.yaml")))
    assert result.judged > 50 and result.problems == []


def test_validate_unreadable_file_is_a_configuration_error(tmp_path: Path) -> None:
    """A file that is neither HAR nor cassette gets one message naming it."""
    path = tmp_path / "nonsense.har"
    path.write_text("not json")
    with pytest.raises(ConfigError, match=r"nonsense\.har"):
        validate_paths([path])
