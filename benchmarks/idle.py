"""Idle connections: is a new request answered quickly while many connections sit idle, and are they closed?

Half of the idle connections sent half a request (headers never finished); the other half made one
complete keep-alive request and then went quiet. Both kinds must be closed after the idle timeout.
"""

from __future__ import annotations

import select
import socket
import sys
import time
from contextlib import ExitStack
from urllib.parse import urlsplit

import httpx
from servers import start_mock

HALF_SENT = b"POST /v1/invoice-schedules/x/execute HTTP/1.1\r\nHost: mock\r\n"
FULL = b"GET /v1/bill-runs/x HTTP/1.1\r\nHost: mock\r\n\r\n"
IDLE_TIMEOUT = 3


def _open_idle(host: str, port: int, count: int, stack: ExitStack) -> list[socket.socket]:
    held = []
    for index in range(count):
        connection = stack.enter_context(socket.create_connection((host, port), timeout=10))
        connection.sendall(HALF_SENT if index % 2 else FULL)  # half: headers never finished
        held.append(connection)
    for connection in held[::2]:
        connection.recv(1 << 16)  # the answer to the complete request; the connection then idles
    return held


def _closed(held: list[socket.socket]) -> int:
    # Closed means end of stream (possibly after a last 408/400 answer) or a reset; open ones are not readable.
    readable, _, _ = select.select(held, [], [], 0.5)
    closed = 0
    for connection in readable:
        connection.setblocking(False)
        try:
            while connection.recv(1 << 16):
                pass
        except BlockingIOError:
            continue  # an answer but no end of stream: still open
        except OSError:
            pass
        closed += 1
    return closed


def check(server_kind: str, connections: int = 1000) -> dict[str, object]:
    """Open `connections` idle half-sent connections, time a fresh request, then wait for the closes."""
    server = start_mock(server_kind, "--idle-timeout", str(IDLE_TIMEOUT))
    parts = urlsplit(server.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    try:
        with ExitStack() as stack:
            opened = time.perf_counter()
            held = _open_idle(host, port, connections, stack)
            open_s = time.perf_counter() - opened
            started = time.perf_counter()
            try:
                status: int | str = httpx.get(f"{server.url}/v1/bill-runs/x", timeout=5).status_code
            except httpx.TransportError as error:
                status = type(error).__name__
            answer_s = time.perf_counter() - started
            time.sleep(IDLE_TIMEOUT + 2)
            closed = _closed(held)
    finally:
        server.close()
    return {
        "server": server_kind,
        "idle_connections": connections,
        "open_s": round(open_s, 2),
        "new_request_status": status,
        "new_request_s": round(answer_s, 3),
        "idle_timeout_s": IDLE_TIMEOUT,
        "closed_after_timeout": closed,
    }


if __name__ == "__main__":
    for kind in sys.argv[1:] or ["stdlib", "granian"]:
        print(check(kind))
