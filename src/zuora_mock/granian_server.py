"""Serving the app with granian (a Rust HTTP server) in a child process, for throughput; never imported here.

The mock stays standard-library only: granian is started as `python -m granian`, which imports
`zuora_mock.served:app_from_environment` in its one worker process, so all state lives in one process.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time

from zuora_mock.config import MockConfig
from zuora_mock.served import CONFIG_ENV, PARENT_ENV, config_to_environment

STARTUP_SECONDS = 15.0
# Pending connections the kernel queues before accept(), so a burst of clients never times out.
BACKLOG = 2048


def available() -> bool:
    """Tell whether granian is installed (the `server` extra: pip install -e '.[server]')."""
    return importlib.util.find_spec("granian") is not None


def _command(host: str, port: int, blocking_threads: int, idle_timeout: float) -> list[str]:
    # One worker process holds the state; its blocking threads share it under the app's locks.
    return [
        *(sys.executable, "-m", "granian", "--interface", "wsgi", "--factory"),
        *("--host", host, "--port", str(port), "--workers", "1", "--blocking-threads", str(blocking_threads)),
        *("--runtime-threads", "1", "--http", "1", "--no-ws", "--log-level", "warning"),
        # granian bounds the wait for a request's headers (up to 60 s), which is what closes an idle connection.
        *(
            "--backlog",
            str(BACKLOG),
            "--http1-header-read-timeout",
            str(max(1, min(60_000, round(idle_timeout * 1000)))),
        ),
        "zuora_mock.served:app_from_environment",
    ]


def free_port(host: str) -> int:
    """Return a port the OS just gave out on host (granian cannot report the one it picked for port 0)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _answering(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def start(
    config: MockConfig, host: str, port: int, blocking_threads: int, idle_timeout: float
) -> subprocess.Popen[bytes]:
    """Start granian serving a mock built from config, and return once it accepts connections."""
    env = os.environ | {CONFIG_ENV: config_to_environment(config), PARENT_ENV: str(os.getpid())}
    process = subprocess.Popen(_command(host, port, blocking_threads, idle_timeout), env=env)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not _answering(host, port):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise OSError(f"granian did not start on {host}:{port}")
        time.sleep(0.05)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask granian to stop (SIGTERM), and kill it if it has not within five seconds."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
