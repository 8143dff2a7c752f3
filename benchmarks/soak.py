"""Long run: executes (each naming an item) against one mock, with its memory and worst latency sampled.

`make soak` runs a million executes (a few minutes); `make bench` runs a short one. The load is
benchmarks/wrk/soak.lua, which creates 50-item schedules as it goes and executes every item in turn.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

from servers import Server, start_mock, token
from wrkload import ensure_wrk, run, script

SEGMENT_SECONDS = 30
CONNECTIONS = 4


def _sample(server: Server, peak: list[float], stop: threading.Event) -> None:
    # The kernel's VmHWM is the process's peak; sampling also records the trend for the report.
    while not stop.wait(0.5):
        try:
            peak[0] = max(peak[0], server.rss_mb()[0])
        except (OSError, KeyError):
            return


def soak(server_kind: str, executes: int, max_seconds: float, connections: int = CONNECTIONS) -> dict[str, object]:
    """Execute until `executes` are sent or `max_seconds` pass; return counts, latencies and memory."""
    server = start_mock(server_kind)
    peak, stop = [0.0], threading.Event()
    sampler = threading.Thread(target=_sample, args=(server, peak, stop), daemon=True)
    try:
        rss_start = server.rss_mb()[0]
        sampler.start()
        lua, bearer = script("soak.lua", with_report=False), token(server.url)
        segments: list[dict[str, float]] = []
        started = time.monotonic()
        while sum(s["executes"] for s in segments) < executes and time.monotonic() - started < max_seconds:
            left = executes - sum(s["executes"] for s in segments)
            rate = sum(s["executes"] for s in segments) / max(1e-9, sum(s["seconds"] for s in segments))
            seconds = SEGMENT_SECONDS if not segments else min(SEGMENT_SECONDS, max(2, left / rate + 1))
            seconds = min(seconds, max(1, max_seconds - (time.monotonic() - started)))
            segment = run(server.url, lua, connections, round(seconds), [bearer, str(connections // 2 or 1)])
            segment["rss_mb"] = server.rss_mb()[0]
            segments.append(segment)
        rss_end, rss_peak = server.rss_mb()
    finally:
        stop.set()
        server.close()
    return {
        "server": server_kind,
        "connections": connections,
        "executes": int(sum(s["executes"] for s in segments)),
        "creates": int(sum(s["creates"] for s in segments)),
        "failures": int(sum(s["failures"] + s["socket_errors"] for s in segments)),
        "seconds": round(sum(s["seconds"] for s in segments), 1),
        "executes_per_s": round(sum(s["executes"] for s in segments) / sum(s["seconds"] for s in segments)),
        "p99_ms": max(s["p99_us"] for s in segments) / 1000,
        "p999_ms": max(s["p999_us"] for s in segments) / 1000,
        "max_ms": max(s["max_us"] for s in segments) / 1000,
        "rss_start_mb": round(rss_start, 1),
        "rss_end_mb": round(rss_end, 1),
        "rss_peak_mb": round(max(rss_peak, peak[0]), 1),
        "rss_by_segment_mb": [round(s["rss_mb"], 1) for s in segments],
    }


def main() -> None:
    """Run the long soak and print its figures as JSON (SOAK_EXECUTES, SOAK_SERVER, SOAK_MAX_SECONDS)."""
    if reason := ensure_wrk():
        sys.exit(f"skip: {reason}")
    result = soak(
        os.environ.get("SOAK_SERVER") or "granian",
        int(os.environ.get("SOAK_EXECUTES") or 1_000_000),
        float(os.environ.get("SOAK_MAX_SECONDS") or 600),
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
