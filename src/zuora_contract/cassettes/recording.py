"""Cassettes: when the run records or replays, how VCR.py matches and scrubs, and where each cassette came from.

`--record-mode=none` replays (the plugin then opens no live target); any other record mode records;
no `--record-mode` (or `--disable-recording`) is a live run that VCR.py does not touch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest

from zuora_contract.cassettes import ids
from zuora_contract.cassettes.scrub import Scrubber, rules_from_env
from zuora_contract.failures import ConfigError
from zuora_contract.settings import cassette_dir
from zuora_contract.target import Target

Mode = Literal["live", "record", "replay"]
CASSETTE_DIR_ENV = "ZUORA_CASSETTE_DIR"
SESSION_CASSETTE = Path("_session") / "probe.yaml"
# Headers whose recorded value a replayed request must repeat; credentials are never among them.
MATCHED_HEADERS = ("Zuora-Version", "Zuora-Track-Id", "Idempotency-Key", "Content-Type")
MATCH_ON = ("method", "path", "query", "contract_headers", "contract_body")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ORIGIN_KEYS = ("target", "origin", "recorded_on", "zuora_version", "account_key", "order_numbers")


def cassette_mode(config: pytest.Config) -> Mode:
    """Record, replay or live, from pytest-recording's own options."""
    if config.getoption("disable_recording", default=False):
        return "live"
    record_mode = config.getoption("record_mode", default=None)
    if record_mode is None:
        return "live"
    return "replay" if record_mode == "none" else "record"


def cassette_root() -> Path:
    """`cassettes/` in the working directory, or ZUORA_CASSETTE_DIR (a project's own place for them)."""
    return Path(cassette_dir())


@functools.cache
def scrubber() -> Scrubber:
    """One scrubber per process, so a value gets the same pseudonym in every cassette of a recording."""
    return Scrubber(rules_from_env())


def match_headers(r1: Any, r2: Any) -> None:
    """VCR.py matcher: a replay must send the recorded version, track id, idempotency key and media type."""
    for name in MATCHED_HEADERS:
        if r1.headers.get(name) != r2.headers.get(name):
            raise AssertionError(f"{name}: {r1.headers.get(name)!r} != {r2.headers.get(name)!r}")


def _comparable(body: Any) -> Any:
    """A JSON body with ISO dates masked (schedules are made relative to today), else the raw bytes."""
    raw = body.encode() if isinstance(body, str) else body or b""
    try:
        document = json.loads(raw)
    except ValueError:
        return raw

    def mask(value: Any) -> Any:
        if isinstance(value, str) and ISO_DATE.match(value):
            return "<date>"
        if isinstance(value, dict):
            return {key: mask(item) for key, item in value.items()}
        if isinstance(value, list):
            return [mask(item) for item in value]
        return value

    return mask(document)


def match_body(r1: Any, r2: Any) -> None:
    """VCR.py matcher: the same JSON body up to dates (or the same bytes), so stale tests cannot replay."""
    if _comparable(r1.body) != _comparable(r2.body):
        raise AssertionError(f"body {str(r1.body)[:200]} != {str(r2.body)[:200]}")


def configure_vcr(vcr: Any) -> None:
    """Register the suite's matchers, and a persister that keeps cassette metadata.

    pytest-recording 0.14's own persister drops VCR.py's metadata and fails on a cassette that has any.
    """
    from vcr.persisters.filesystem import FilesystemPersister

    vcr.register_persister(FilesystemPersister)
    vcr.register_matcher("contract_headers", match_headers)
    vcr.register_matcher("contract_body", match_body)


def vcr_config(secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """VCR.py options: match without scheme, host and port; scrub before anything is written."""
    scrub = scrubber()
    return {
        "match_on": MATCH_ON,
        "decode_compressed_response": True,
        "filter_headers": sorted(scrub.rules.headers),
        "before_record_request": scrub.request,
        "before_record_response": scrub.response,
        # A last net for the run's known secrets, wherever they would appear; never restored on replay.
        "filter_sensitive_data": [(f"<hidden-secret-{n}>", value) for n, value in enumerate(secrets)],
    }


def origin_of(target: Target) -> dict[str, str]:
    """What a cassette records about its origin; account and orders scrubbed as the request bodies are."""
    settings = target.settings
    sent = scrubber().scrub_json({"accountKey": settings.account_key or "", "orders": list(settings.order_numbers)})
    return {
        "target": target.name,
        "origin": target.origin,
        "recorded_on": datetime.date.today().isoformat(),
        "zuora_version": settings.version or "",
        "account_key": str(sent["accountKey"]),
        "order_numbers": ",".join(map(str, sent["orders"])),
    }


def recorded_origin(cassette: Any) -> dict[str, str]:
    """The origin and seed stored in a replayed cassette; a cassette without them must be re-recorded."""
    from vcr.errors import MissingMetadataError

    try:
        return {key: str(cassette.get_metadata(key, "")) for key in (*ORIGIN_KEYS, "seed")}
    except MissingMetadataError:
        raise ConfigError(f"{cassette.path} has no recording metadata; re-record it with `make record`") from None


def _apply(origin: dict[str, str], target: Target) -> None:
    """Replay under the settings the cassette was recorded with: they shaped its requests."""
    target.settings = dataclasses.replace(
        target.settings,
        version=origin["zuora_version"] or None,
        account_key=origin["account_key"] or None,
        order_numbers=tuple(part for part in origin["order_numbers"].split(",") if part),
    )
    if not target.settings.target_name:
        target.name = origin["target"]
    target.origin = f"cassettes recorded {origin['recorded_on']} from the {origin['origin']}"


def start_cassette(cassette: Any, mode: Mode, target: Target | None) -> None:
    """Seed the ids and note (record) or apply (replay) the run settings the cassette was recorded under."""
    if cassette is None or mode == "live":
        ids.seed(None)
        return
    if mode == "replay":
        origin = recorded_origin(cassette)
        if target is not None:
            _apply(origin, target)
        ids.seed(origin["seed"])
        return
    if target is not None:
        for key, value in origin_of(target).items():
            cassette.get_metadata(key, value)
    ids.seed(str(cassette.get_metadata("seed", ids.new_seed())))


@contextlib.contextmanager
def session_cassette(mode: Mode, target: Target) -> Iterator[None]:
    """Record (or replay) the run's opening exchanges, the OAuth token and the probe, in `_session/`."""
    if mode == "live":
        yield
        return
    import vcr

    path = cassette_root() / SESSION_CASSETTE
    if mode == "replay" and not path.is_file():
        raise ConfigError(f"no cassettes to replay at {path.parent.parent}; record them first with `make record`")
    if mode == "record":
        path.unlink(missing_ok=True)
    secrets = () if mode == "replay" else target.settings.secrets
    recorder = vcr.VCR(record_mode="none" if mode == "replay" else "new_episodes", **vcr_config(secrets))
    configure_vcr(recorder)
    with recorder.use_cassette(str(path)) as cassette:
        start_cassette(cassette, mode, target)
        yield
    ids.seed(None)
