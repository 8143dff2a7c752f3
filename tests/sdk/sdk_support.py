"""Helpers for driving the reference mock through zuora-sdk (a module, not conftest, so tests can import it)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from tests.mutants.wsgi import read_body

from zuora_contract.provision import wait_for
from zuora_mock.config import MockConfig

CONFIG = MockConfig(processing_delay=0.05)
ACCOUNT = "A00000001"
SDK_DEFAULT_VERSION = "2025-08-12"
LEGACY_VERSION = "211.0"
HEX32 = re.compile(r"^[0-9a-f]{32}$")
REASON_CODE = re.compile(r"^\d{8}$")
# Run dates far ahead, so an item's bill run is never confused with an item-less run (dated today).
RUN_DATES = (date(2030, 1, 10), date(2030, 2, 10), date(2030, 3, 10))
AMOUNTS = (Decimal("100.00"), Decimal("250.50"), Decimal("49.50"))
WAIT_SECONDS = 5.0
T = TypeVar("T")


@dataclass(frozen=True)
class Exchange:
    """One request as the mock received it, and the headers it answered with."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    answer_headers: dict[str, str]


@dataclass
class Recorder:
    """A WSGI wrapper that writes down what the SDK put on the wire, so tests can assert it."""

    app: WSGIApplication
    exchanges: list[Exchange] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = read_body(environ)
        headers = {
            name[5:].replace("_", "-").lower(): str(value) for name, value in environ.items() if name[:5] == "HTTP_"
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = str(environ["CONTENT_TYPE"])
        method, path = str(environ["REQUEST_METHOD"]), str(environ["PATH_INFO"])

        def recording_start(status: str, answer: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen = {name.lower(): value for name, value in answer}
            with self.lock:
                self.exchanges.append(Exchange(method, path, headers, body, int(status.split()[0]), seen))
            return start_response(status, answer, exc_info)

        return self.app(environ, recording_start)

    def requests(self, method: str, path_end: str = "") -> list[Exchange]:
        """The recorded exchanges with this method whose path ends with `path_end`."""
        with self.lock:
            return [seen for seen in self.exchanges if seen.method == method and seen.path.endswith(path_end)]


def wait_until(fetch: Callable[[], T], done: Callable[[T], bool], timeout: float = WAIT_SECONDS) -> T:
    """Poll as an SDK user would for asynchronous bill-run processing; return the last value seen."""
    return wait_for(fetch, done, timeout, interval=0.05)


def decimal_of(value: Any) -> Decimal:
    """An amount as the SDK hands it back (a float or str, since construct() skips parsing), as a Decimal."""
    return Decimal(str(value))
