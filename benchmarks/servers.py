"""Start and stop the servers the benchmarks load: the mock (stdlib or granian) and Stoplight Prism.

Each runs as its own process on 127.0.0.1, the way a user runs it, so the load generator and the
server never share an interpreter. Memory is read from /proc for the process that holds the state.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from zuora_contract.spec import SPEC_PATH

ROOT = Path(__file__).resolve().parents[1]
PRISM = ROOT / "interop" / "prism" / "node_modules" / ".bin" / "prism"
SPEC = SPEC_PATH  # the fragment as the package carries it
CLIENT = {
    "client_id": "demo0000-mock-4000-8000-000000000001",
    "client_secret": "demo-secret-of-the-zuora-reference-mock",
    "grant_type": "client_credentials",
}


@dataclass
class Server:
    """A running server: its name, URL, process, and the pid whose memory counts."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    started_s: float
    extra: dict[str, str] = field(default_factory=dict)

    def state_pid(self) -> int:
        """The process holding the state: granian's worker (grandchild), else the process itself."""
        pid = self.process.pid
        for _ in range(2 if "granian" in self.name else 0):
            children = _children(pid)
            if not children:
                break
            pid = children[0]
        return pid

    def rss_mb(self) -> tuple[float, float]:
        """Current and peak resident memory (MB) of the state-holding process."""
        status = Path(f"/proc/{self.state_pid()}/status").read_text().splitlines()
        fields = {line.split(":")[0]: line.split()[1] for line in status if line.startswith(("VmRSS", "VmHWM"))}
        return int(fields["VmRSS"]) / 1024, int(fields["VmHWM"]) / 1024

    def close(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s) and reap it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def free_port() -> int:
    """A port the OS just handed out on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            httpx.get(f"{url}/v1/bill-runs/x", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"server at {url} did not answer within {timeout} s")


def start_mock(server: str, *flags: str) -> Server:
    """Run `python -m zuora_mock --server SERVER` on a free port and wait for its first answer."""
    port = free_port()
    command = [sys.executable, "-m", "zuora_mock", "--port", str(port), "--server", server, *flags]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    _wait_http(url, process)
    return Server(f"mock-{server}", url, process, time.perf_counter() - started)


def prism_missing() -> str | None:
    """Why Prism cannot run here, or None: installed by `make prism` when npm exists."""
    if PRISM.exists():
        return None
    if shutil.which("npm") is None:
        return "npm not found, so Prism (make prism) cannot be installed"
    completed = subprocess.run(["make", "prism"], cwd=ROOT, capture_output=True, text=True, check=False)
    return None if PRISM.exists() else f"make prism failed: {completed.stderr.strip()[-300:]}"


def start_prism() -> Server:
    """Run Prism's static mock of the fragment (the faster mode) on a free port."""
    port = free_port()
    command = [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), "--verboseLevel", "warn", str(SPEC)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    _wait_http(url, process)
    return Server("prism-static", url, process, time.perf_counter() - started)


def token(url: str) -> str:
    """A bearer token from the mock (Prism accepts any bearer token, so the mock's is used for both)."""
    return str(httpx.post(f"{url}/oauth/token", data=CLIENT, timeout=10).json()["access_token"])


def prism_version() -> str:
    """Prism's version as it reports it."""
    try:
        completed = subprocess.run([str(PRISM), "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "absent"
    return completed.stdout.strip() or "unknown"


def environment() -> dict[str, str]:
    """A copy of os.environ without the suite's settings, so servers start with defaults."""
    return {key: value for key, value in os.environ.items() if not key.startswith("ZUORA_")}
