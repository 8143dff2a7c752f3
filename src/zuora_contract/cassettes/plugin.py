"""Cassette wiring for pytest-recording: where cassettes live, how they are matched and scrubbed, and seeds.

Registered by the main plugin once every entry-point plugin is loaded, so these fixtures take the place
of pytest-recording's defaults. `--record-mode=rewrite` writes `cassettes/<test module>/<test>.yaml`;
`--record-mode=none --block-network` plays them back. Without `--record-mode` VCR.py stays out of the
way and the suite talks to the live target.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from zuora_contract.cassettes import ids
from zuora_contract.cassettes.recording import cassette_mode, cassette_root, configure_vcr, start_cassette, vcr_config
from zuora_contract.target import Target

TARGET_KEY = pytest.StashKey[Target]()


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """Register the suite's matchers and a metadata-preserving persister on every cassette's VCR."""
    configure_vcr(vcr)


@pytest.fixture(scope="session")
def disable_recording(pytestconfig: pytest.Config) -> bool:
    """VCR.py only when asked for with --record-mode; a plain run is a live run."""
    return cassette_mode(pytestconfig) == "live"


@pytest.fixture(name="vcr_config")
def fixture_vcr_config(pytestconfig: pytest.Config) -> dict[str, Any]:
    """Match without scheme, host and port; scrub secrets (the target's own too) before writing."""
    target = pytestconfig.stash.get(TARGET_KEY, None)
    replaying = cassette_mode(pytestconfig) == "replay"
    return vcr_config(() if target is None or replaying else target.settings.secrets)


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """`cassettes/<test module>/` in the working directory, not pytest-recording's default beside the tests."""
    return str(cassette_root() / request.module.__name__.rpartition(".")[2])


@pytest.fixture(autouse=True)
def _cassette_seed(request: pytest.FixtureRequest) -> Iterator[None]:
    """Seed a contract test's generated ids from its cassette, so a replay sends what the recording sent."""
    if request.node.get_closest_marker("rule") is None:
        yield
        return
    vcr = request.getfixturevalue("vcr")
    start_cassette(vcr, cassette_mode(request.config), request.config.stash.get(TARGET_KEY, None))
    yield
    ids.seed(None)
