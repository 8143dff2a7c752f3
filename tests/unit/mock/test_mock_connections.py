"""Connections: idle ones are closed after the idle timeout, and many idle ones never block a new client."""

from __future__ import annotations

import select
import socket
import subprocess
import sys
import time
from contextlib import ExitStack

import httpx
import pytest
from mock_support import SERVERS

from zuora_mock.app import create_app
from zuora_mock.server import serve

HALF_SENT = b"POST /v1/invoice-schedules/x/execute HTTP/1.1\r\nHost: mock\r\n"
FULL = b"GET /v1/bill-runs/x HTTP/1.1\r\nHost: mock\r\n\r\n"


def _closed_within(connection: socket.socket, seconds: float) -> bool:
    # End of stream (after any last answer) within the time; a reset counts as closed too.
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if select.select([connection], [], [], left)[0]:
            try:
                if connection.recv(1 << 16) == b"":
                    return True
            except OSError:
                return True
    return False


def _idle_pair(host: str, port: int, stack: ExitStack) -> tuple[socket.socket, socket.socket]:
    half = stack.enter_context(socket.create_connection((host, port), timeout=5))
    half.sendall(HALF_SENT)
    quiet = stack.enter_context(socket.create_connection((host, port), timeout=5))
    quiet.sendall(FULL)
    assert quiet.recv(1 << 16).startswith(b"HTTP/1.1 401")  # answered, kept alive, then left idle
    return half, quiet


def test_connections_idle_ones_are_closed_after_the_timeout():
    with serve(create_app(), idle_timeout=0.3) as server, ExitStack() as stack:
        half, quiet = _idle_pair("127.0.0.1", server.port, stack)
        assert not _closed_within(quiet, 0.1)
        assert _closed_within(half, 2) and _closed_within(quiet, 2)


@pytest.mark.parametrize("server", SERVERS)
def test_connections_cli_idle_timeout_reaches_the_server(server):
    command = [sys.executable, "-m", "zuora_mock", "--port", "0", "--server", server, "--idle-timeout", "0.5"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().rsplit(":", 1)[1])
        with ExitStack() as stack:
            half, quiet = _idle_pair("127.0.0.1", port, stack)
            assert _closed_within(half, 3) and _closed_within(quiet, 3)
    finally:
        process.terminate()
        process.communicate(timeout=5)


def test_connections_many_idle_do_not_block_a_new_request():
    # The listen backlog was 5: a burst of connections then waited for SYN retries, seconds each.
    with serve(create_app(), idle_timeout=5) as server, ExitStack() as stack:
        started = time.perf_counter()
        for _ in range(300):
            stack.enter_context(socket.create_connection(("127.0.0.1", server.port), timeout=2)).sendall(HALF_SENT)
        assert httpx.get(f"{server.url}/v1/bill-runs/x", timeout=2).status_code == 401
        assert time.perf_counter() - started < 2
