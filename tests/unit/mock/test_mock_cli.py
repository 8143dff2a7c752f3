"""The command line: the banner the suite parses, clean stops, and a clear message when the port is taken."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from typing import IO, cast

import httpx
import pytest
from mock_support import SERVERS


def _start(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "zuora_mock", "--host", "127.0.0.1", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stdout(process: subprocess.Popen[str]) -> IO[str]:
    """The child's stdout, which `_start` always pipes: a typed view, not a runtime check."""
    return cast("IO[str]", process.stdout)


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_listening_line_and_stops_cleanly(stop, server):
    process = _start("--port", "0", "--processing-delay", "0.01", "--tenant-version", "2024-05-20", "--server", server)
    try:
        stdout = _stdout(process)
        first = stdout.readline().rstrip("\n")
        match = re.fullmatch(r"zuora-mock listening on (http://127\.0\.0\.1:(\d+))", first)
        assert match, first
        exports = [stdout.readline() for _ in range(5)]
        assert any(line.startswith("export ZUORA_CLIENT_ID=") for line in exports)
        assert "export ZUORA_ACCOUNT_KEY=A00000001\n" in exports
        with httpx.Client(base_url=match.group(1), verify=False) as client:
            assert client.get("/v1/bill-runs/x").status_code == 401
        process.send_signal(stop)
        _, errors = process.communicate(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert "Traceback" not in errors
    with pytest.raises(httpx.ConnectError):  # nothing (no granian child either) outlives the stop
        httpx.get(f"{match.group(1)}/v1/bill-runs/x", timeout=1)


@pytest.mark.parametrize("server", SERVERS)
def test_cli_port_in_use_exits_2_with_one_message(server):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _start("--port", str(port), "--server", server)
        output, errors = process.communicate(timeout=10)
    assert process.returncode == 2
    assert output == ""
    assert errors.strip().splitlines() == [f"zuora-mock: cannot listen on 127.0.0.1:{port}: address already in use"]


def test_cli_refuses_unsupported_tenant_version():
    process = _start("--port", "0", "--tenant-version", "banana")
    _, errors = process.communicate(timeout=10)
    assert process.returncode == 2 and "unsupported Zuora API version" in errors


@pytest.mark.parametrize("server", [server for server in SERVERS if server != "stdlib"])
def test_cli_granian_ends_when_its_launcher_is_killed(server):
    process = _start("--port", "0", "--server", server)
    stdout = _stdout(process)
    url = stdout.readline().split()[-1]
    assert httpx.get(f"{url}/v1/bill-runs/x", timeout=5).status_code == 401
    process.kill()  # no clean-up runs in the launcher: the worker must notice and end on its own
    process.wait(timeout=5)  # reaped, so its pid is gone (granian's processes still hold the pipes)
    stdout.close()
    if process.stderr is not None:
        process.stderr.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/v1/bill-runs/x", timeout=1)
        except httpx.TransportError:
            return
        time.sleep(0.2)
    raise AssertionError("granian still answers after its launcher was killed")
