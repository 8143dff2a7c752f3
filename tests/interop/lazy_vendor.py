"""What a lazy vendor ships as a "Zuora mock": a stateless stdlib WSGI app that answers from copied samples.

It keeps no state and checks nothing: any token is fine, execute always returns the first documented
sample (KC-EXEC-API) whatever schedule or item was named, and every schedule operation returns the same
hand-copied schedule. No Zuora-Request-Id, no Zuora-Track-Id echo, no error envelope but for unknown paths.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIEnvironment

from tests.documented import RESPONSE_WITH_ITEM

SCHEDULE: dict[str, Any] = {
    "id": RESPONSE_WITH_ITEM["billRunFilters"][0]["invoiceScheduleId"],
    "number": "IS-00000001",
    "accountId": RESPONSE_WITH_ITEM["billRunFilters"][0]["accountId"],
    "status": "Pending",
    "nextRunDate": "2022-12-03",
    "totalAmount": 600,
    "actualAmount": 600,
    "billedAmount": 0,
    "unbilledAmount": 600,
    "notes": "",
    "orders": [],
    "scheduleItems": [
        {"id": RESPONSE_WITH_ITEM["billRunFilters"][0]["invoiceScheduleItemId"], "name": "first",
         "runDate": "2022-12-03", "amount": 100, "status": "Pending"},
        {"id": "8a90f5088459f34f01845a62a33b1788", "name": "second", "runDate": "2023-01-03", "amount": 200,
         "status": "Pending"},
        {"id": "8a90f5088459f34f01845a62a33b1789", "name": "third", "runDate": "2023-02-03", "amount": 300,
         "status": "Pending"},
    ],
    "success": True,
}  # fmt: skip
TOKEN = {"access_token": "lazy-token", "token_type": "bearer", "expires_in": 3599, "scope": "", "jti": "lazy"}
NOT_FOUND = {"success": False, "reasons": [{"code": "50000040", "message": "Not found"}]}


def _answer(method: str, path: str) -> tuple[str, Any]:
    if path == "/oauth/token":
        return "200 OK", TOKEN
    if re.fullmatch(r"/v1/invoice-schedules/[^/]+/execute", path) or path.startswith("/v1/bill-runs/"):
        return "200 OK", RESPONSE_WITH_ITEM
    if path.endswith("/pause"):
        return "200 OK", {**SCHEDULE, "status": "Paused"}
    if method == "DELETE":
        return "200 OK", {"success": True}
    if path.startswith("/v1/invoice-schedules"):
        return "200 OK", SCHEDULE
    return "404 Not Found", NOT_FOUND


def lazy_vendor(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Answer every request from the copied samples; read the body only so keep-alive stays in step."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    status, payload = _answer(str(environ["REQUEST_METHOD"]), str(environ.get("PATH_INFO", "")))
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the suite's own report says what was sent."""


@contextmanager
def serving() -> Iterator[str]:
    """Serve the lazy vendor on 127.0.0.1 with a free port, in a daemon thread, for the block."""
    server = make_server("127.0.0.1", 0, lazy_vendor, server_class=_ThreadingServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
