"""Implementations we did not write, started on loopback for one run: Prism (static, dynamic) and a lazy vendor."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.interop.lazy_vendor import serving
from tests.interop.suite import ROOT

from zuora_contract.spec import SPEC_PATH

PRISM = ROOT / "interop" / "prism" / "node_modules" / ".bin" / "prism"
# Our OpenAPI fragment, wherever the package keeps it.
FRAGMENT = SPEC_PATH
STARTUP_SECONDS = 30.0


@dataclass
class Served:
    """A running target: its URL, the environment its run needs, and whether it survived the run."""

    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def alive(self) -> bool:
        return self.process is None or self.process.poll() is None


def prism_missing() -> str | None:
    """Why Prism cannot run here, or None."""
    if shutil.which("node") is None:
        return "Node.js is not installed, so Prism cannot run"
    if not PRISM.exists():
        return f"Prism is not installed at {PRISM.relative_to(ROOT)}; run `make prism` (needs npm)"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Prism exited with {process.returncode} while starting:\n{log.read_text()[-2000:]}")
        try:
            httpx.get(f"{url}/v1/bill-runs/0", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"Prism did not answer within {STARTUP_SECONDS} s:\n{log.read_text()[-2000:]}")


@contextmanager
def prism(dynamic: bool, log: Path) -> Iterator[Served]:
    """Serve our OpenAPI fragment with Prism; any bearer token is accepted, so the run uses a fixed one."""
    reason = prism_missing()
    if reason:
        pytest.skip(reason)
    port = _free_port()
    command = [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), "--verboseLevel", "warn"]
    command += [*(["-d"] if dynamic else []), str(FRAGMENT)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, process, log)
        yield Served(url, {"ZUORA_BEARER_TOKEN": "anything"}, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def lazy(log: Path) -> Iterator[Served]:
    """The stateless sample-answering server; it accepts any token, so the run uses a fixed one."""
    with serving() as url:
        yield Served(url, {"ZUORA_BEARER_TOKEN": "anything"})


TARGETS = {
    "prism-static": lambda log: prism(False, log),
    "prism-dynamic": lambda log: prism(True, log),
    "lazy-vendor": lazy,
}
