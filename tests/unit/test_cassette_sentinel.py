"""Record against the mock with sentinel secrets; no sentinel byte may reach a cassette, and they still replay."""

from __future__ import annotations

import gzip
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from zuora_mock.app import create_app
from zuora_mock.config import MockConfig
from zuora_mock.server import MockServer, serve
from zuora_mock.state import SEEDED_ACCOUNTS

SENTINEL_ID = "sentinel-client-" + secrets.token_hex(10)  # 36 characters, as Zuora's client ids
SENTINEL_SECRET = "sentinel-secret-" + secrets.token_hex(12)
ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = SEEDED_ACCOUNTS[0]
RECORDED = [
    "src/zuora_contract/suite/test_documented_samples.py",
    "src/zuora_contract/suite/test_idempotency.py::test_idempotency_same_key_replays_without_executing",
    "src/zuora_contract/suite/test_catalogue.py::test_catalogue_case_holds[auth.wrong-token]",
]


class TokenSpy:
    """WSGI wrapper that notes every access token the mock issues, so the test knows what must not leak."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.tokens: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        body = b"".join(self.app(environ, start_response))
        if environ.get("PATH_INFO") == "/oauth/token":
            text = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
            token = json.loads(text).get("access_token")
            if token:
                self.tokens.append(str(token))
        return [body]


@pytest.fixture
def spied_mock() -> Iterator[tuple[MockServer, TokenSpy]]:
    spy = TokenSpy(create_app(MockConfig(client_id=SENTINEL_ID, client_secret=SENTINEL_SECRET, processing_delay=0.1)))
    with serve(spy) as server:
        yield server, spy


def _pytest(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def _environment(server: MockServer, cassettes: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ZUORA_")}
    env.update(
        ZUORA_BASE_URL=server.url,
        ZUORA_CLIENT_ID=SENTINEL_ID,
        ZUORA_CLIENT_SECRET=SENTINEL_SECRET,
        ZUORA_ACCOUNT_KEY=ACCOUNT.number,
        ZUORA_SCRUB_FIELDS="accountKey,accountId,accountNumber",
        ZUORA_CASSETTE_DIR=str(cassettes),
        ZUORA_REPORT_DIR=str(cassettes.parent / "reports"),
    )
    return env


@pytest.mark.slow
def test_cassette_sentinel_secrets_never_written(tmp_path: Path, spied_mock: tuple[MockServer, TokenSpy]) -> None:
    server, spy = spied_mock
    cassettes = tmp_path / "cassettes"
    env = _environment(server, cassettes)
    recorded = _pytest([*RECORDED, "--record-mode=rewrite"], env)
    assert recorded.returncode == 0, recorded.stdout[-3000:]
    files = sorted(path for path in cassettes.rglob("*") if path.is_file())
    assert len(files) == 6, files  # the session probe, three sample rules, one scenario, one auth case
    assert spy.tokens, "no token was issued, so nothing was tested"
    text = b"".join(path.read_bytes() for path in files)
    assert b"oauth/token" in text and b"access_token" in text, "the OAuth exchange was not recorded"
    sentinels = {SENTINEL_ID, SENTINEL_SECRET, ACCOUNT.number, ACCOUNT.id, *spy.tokens}
    leaked = sorted(name for name in sentinels if name.encode() in text or name in recorded.stdout)
    assert not leaked, f"{len(leaked)} sentinel value(s) reached the cassettes or the output"


@pytest.mark.slow
def test_cassette_sentinel_scrubbed_cassettes_still_replay(
    tmp_path: Path, spied_mock: tuple[MockServer, TokenSpy]
) -> None:
    """Pseudonyms are consistent within a recording, so echo checks hold on replay; the network is blocked."""
    server, _ = spied_mock
    cassettes = tmp_path / "cassettes"
    env = _environment(server, cassettes)
    assert _pytest([*RECORDED, "--record-mode=rewrite"], env).returncode == 0
    server.close()
    replayed = _pytest([*RECORDED, "--record-mode=none", "--block-network"], env)
    assert replayed.returncode == 0, replayed.stdout[-3000:]
    assert "4 passed" in replayed.stdout
