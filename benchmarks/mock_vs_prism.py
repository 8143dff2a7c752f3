"""Requests per second and tail latency: the mock (granian and stdlib servers) versus Prism's static mock.

Every target is measured in the same run, with the same wrk scripts, connections and durations, so
the ratios hold even on a shared, noisy machine. Two operations:

- execute naming an item (POST .../execute with {"scheduleItemId": ...}): an item can be billed
  only once, and only as its schedule's earliest Pending item, so "execute with an item" under
  repeated load means a fresh item every request. Before each run the mock gets enough 50-item
  schedules for the whole run; wrk/execute.lua walks them round-robin (see its header). Prism keeps
  no state, so it gets random ids in the same file layout. A run that ran out of items (any non-2xx
  answer) is repeated once with twice as many.
- GET one 3-item schedule (Prism answers its documented example, of similar size).
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from servers import Server, prism_missing, start_mock, start_prism, token
from wrkload import get_target, provision, run, script

CONNECTIONS = (1, 4, 16)
SECONDS = 5
WARM_UP_SECONDS = 1
# First guesses of requests per second, to size the items of the first run; later runs use what was measured.
GUESS = {"mock-granian": 15_000, "mock-stdlib": 6_000, "prism-static": 5_000}


def _fake_items(count: int, connections: int) -> Path:
    # Prism is stateless: any ids do, in the layout execute.lua reads.
    threads = min(2, connections)
    handle = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115 - wrk reads it later
    with handle:
        for index in range(count):
            handle.write(f"{index % threads} {secrets.token_hex(16)} {secrets.token_hex(16)}\n")
    return Path(handle.name)


def _execute(server: Server, bearer: str, connections: int, rate: float, seconds: float) -> dict[str, float]:
    lua = script("execute.lua")
    items = int(max(5_000, rate * seconds * 1.6))
    for _ in range(2):
        stateless = server.name.startswith("prism")
        path = _fake_items(items, connections) if stateless else provision(server.url, bearer, items, connections)
        figures = run(server.url, lua, connections, seconds, [str(path), bearer, str(min(2, connections))])
        path.unlink()
        if figures["non2xx"] == 0:
            break
        items *= 2  # ran out of items: the extra answers were refusals, not executes
    figures["items_provisioned"] = items
    return figures


def _runs(
    server: Server, bearer: str, key: str, rates: dict[str, float], seconds: float = SECONDS
) -> Iterator[tuple[str, dict[str, float]]]:
    # The runs of one target, in the same order for every target.
    for connections in CONNECTIONS:
        figures = _execute(server, bearer, connections, rates[server.name], seconds)
        rates[server.name] = max(rates[server.name], figures["rps"])
        yield f"execute c={connections}", figures
    for connections in CONNECTIONS:
        yield f"get c={connections}", run(server.url, script("get_schedule.lua"), connections, seconds, [key, bearer])


def _target(name: str) -> Server:
    return start_prism() if name == "prism-static" else start_mock(name.removeprefix("mock-"))


def compare(targets: tuple[str, ...] = ("prism-static", "mock-granian", "mock-stdlib")) -> dict[str, object]:
    """Measure every target; return figures per target and run, ratios to Prism, and what was skipped.

    All targets run at once and take turns run by run, so a comparison is made within seconds, and
    each gets the same warm-up first (Prism's JavaScript needs it; the first seconds are 2-3x slower).
    """
    skipped = {"prism-static": reason} if "prism-static" in targets and (reason := prism_missing()) else {}
    servers = [_target(name) for name in targets if name not in skipped]
    try:
        bearers = {server.name: token_for(server) for server in servers}
        keys = {s.name: get_target(s.url, bearers[s.name]) if s.name.startswith("mock") else "x" for s in servers}
        rates = {server.name: float(GUESS[server.name]) for server in servers}
        for server in servers:  # warm-up: one short pass of every run, figures discarded
            for _ in _runs(server, bearers[server.name], keys[server.name], dict(rates), WARM_UP_SECONDS):
                pass
        turns = [_runs(server, bearers[server.name], keys[server.name], rates) for server in servers]
        figures: dict[str, dict[str, dict[str, float]]] = {server.name: {} for server in servers}
        for results in zip(*turns, strict=True):
            for server, (label, measured) in zip(servers, results, strict=True):
                figures[server.name][label] = measured
    finally:
        for server in servers:
            server.close()
    result: dict[str, object] = {"seconds_per_run": SECONDS, "figures": figures, "ratios": ratios(figures)}
    result["startup_s"] = {server.name: round(server.started_s, 2) for server in servers}
    if skipped:
        result["skipped"] = skipped
    return result


def token_for(server: Server) -> str:
    """The mock's demo token, or any bearer token for Prism (it accepts every one)."""
    return secrets.token_hex(16) if server.name == "prism-static" else token(server.url)


def ratios(figures: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Mock over Prism, per run: requests per second (higher is better) and p99 (lower is better)."""
    prism = figures.get("prism-static")
    if prism is None:
        return {}
    out: dict[str, dict[str, float]] = {}
    for name, runs in figures.items():
        if name == "prism-static":
            continue
        for label, measured in runs.items():
            out[f"{name} {label}"] = {
                "rps_ratio": round(measured["rps"] / prism[label]["rps"], 2),
                "p99_ratio": round(measured["p99_us"] / max(1, prism[label]["p99_us"]), 2),
            }
    return out
