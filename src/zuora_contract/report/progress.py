"""A heartbeat: a run against a slow sandbox is never silent for more than a few seconds."""

from __future__ import annotations

import threading
import time
from typing import Any

# Seconds of silence before the heartbeat speaks, and between its lines.
QUIET_SECONDS = 4.0


class Heartbeat:
    """Prints what the run is doing whenever no test has reported for QUIET_SECONDS."""

    def __init__(self, reporter: Any, total: int = 0) -> None:
        self.reporter = reporter
        self.total = total
        self.done = 0
        self.current = ""
        self.started = time.monotonic()
        self.last = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="zuora-contract-heartbeat", daemon=True)

    def start(self) -> None:
        """Begin watching."""
        self._thread.start()

    def began(self, nodeid: str) -> None:
        """A test started (here or on an xdist worker)."""
        self.current = nodeid
        self.last = time.monotonic()

    def finished(self) -> None:
        """A test reported its result."""
        self.done += 1
        self.last = time.monotonic()

    def stop(self) -> None:
        """Stop watching (the session is over)."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            now = time.monotonic()
            if now - self.last < QUIET_SECONDS:
                continue
            elapsed = int(now - self.started)
            of = f" of {self.total}" if self.total else ""
            line = f"zuora-contract: still working ({elapsed}s, {self.done}{of} tests done; now {self.current})"
            self.reporter.write_line(line)
            self.last = now
