"""The app's own cost per request, without any server: the WSGI callable called in a loop.

Used to weigh changes to the app itself (benchmarks/README.md); the best of three rounds is kept,
as the machine is shared. Run it against an older commit with `git archive COMMIT src | tar -x -C DIR`
and `PYTHONPATH=DIR/src python benchmarks/app_cost.py`.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from zuora_mock.app import create_app
from zuora_mock.config import MockConfig

CALLS = 20_000
ITEMS = [{"name": f"item {k}", "runDate": "2030-01-10", "amount": 1} for k in range(50)]
FORM = b"client_id=demo0000-mock-4000-8000-000000000001&client_secret=demo-secret-of-the-zuora-reference-mock"


def _caller(app: Any) -> Callable[..., tuple[str, bytes]]:
    base = dict(os.environ)  # granian passes the process environment along with every request

    def call(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[str, bytes]:
        environ: dict[str, Any] = {**base, "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": ""}
        environ |= headers or {}
        environ |= {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)) if body else ""}
        answer: list[str] = []
        chunks = app(environ, lambda status, headers, exc_info=None: answer.append(status))
        return answer[0], b"".join(chunks)

    return call


def measure() -> dict[str, float]:
    """Microseconds per execute (naming a fresh item) and per GET of a 3-item schedule, best of three."""
    call = _caller(create_app(MockConfig()))
    _, body = call("POST", "/oauth/token", FORM + b"&grant_type=client_credentials")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {json.loads(body)['access_token']}", "CONTENT_TYPE": "application/json"}
    headers["HTTP_ZUORA_VERSION"] = "2024-05-20"

    def create(items: list[dict[str, object]]) -> dict[str, Any]:
        document = json.dumps({"accountKey": "A00000001", "scheduleItems": items}).encode()
        created: dict[str, Any] = json.loads(call("POST", "/v1/invoice-schedules", document, headers)[1])
        return created

    best = {"execute_us": float("inf"), "get_us": float("inf")}
    for _ in range(3):
        schedules = [create(ITEMS) for _ in range(CALLS // len(ITEMS))]
        work = [(s["id"], s["scheduleItems"][k]["id"]) for k in range(len(ITEMS)) for s in schedules]
        started = time.perf_counter()
        for schedule_id, item_id in work:
            body = json.dumps({"scheduleItemId": item_id}).encode()
            status, answer = call("POST", f"/v1/invoice-schedules/{schedule_id}/execute", body, headers)
            assert status.startswith("200"), answer
        best["execute_us"] = min(best["execute_us"], (time.perf_counter() - started) / len(work) * 1e6)
        path = f"/v1/invoice-schedules/{create(ITEMS[:3])['id']}"
        started = time.perf_counter()
        for _ in range(CALLS):
            call("GET", path, b"", headers)
        best["get_us"] = min(best["get_us"], (time.perf_counter() - started) / CALLS * 1e6)
    return {name: round(value, 1) for name, value in best.items()}


if __name__ == "__main__":
    print(json.dumps(measure()), file=sys.stdout)
