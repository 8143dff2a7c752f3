"""Garbage-collection pacing for a long-running mock, so no request waits behind a long collection.

Measured in a soak (benchmarks/README.md): once the store is full, each new record is balanced by an
evicted one, and CPython's collection counter (allocations minus deallocations) stops rising; the
young generation then grew to tens of thousands of objects between collections (5-45 ms each), and
full collections walked every record (50-70 ms). Reference counting frees the mock's records when
they are evicted (they form no cycles), so the collector only has to look at what is new.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

# Requests between two paced collections: what they leave behind takes about a millisecond to scan.
EVERY = 1000


class PacedCollection:
    """Wraps the app: every EVERY requests, collect the young generations and freeze the survivors.

    Frozen objects are never scanned again by automatic collections, so no collection ever walks the
    whole store; they are still freed as usual when nothing refers to them any more.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self._count = 0
        gc.freeze()  # start-up objects (modules, the seeded store) never need scanning again

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer the request, then run the paced collection if it is due (between two requests)."""
        try:
            return self.app(environ, start_response)
        finally:
            self._count += 1
            if self._count >= EVERY:
                self._count = 0
                gc.collect(1)
                gc.freeze()
