"""Broken mocks for the catalogue's second edition: each names the rules that must catch it, by id."""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from wsgiref.types import WSGIApplication, WSGIEnvironment

from tests.mutants.catalog import UNCHANGED, Mutant
from tests.mutants.wsgi import Answer, Wrapper, call, read_body

EXECUTE_ANY = re.compile(r"^/v1/invoice-schedules/(.+)/execute$")
ORDINARY_KEY = re.compile(r"^([0-9a-f]{32}|IS-\d+)$")
SERVER_ERROR = Answer(
    "500 Internal Server Error",
    [("Content-Type", "application/json"), ("Zuora-Request-Id", "00000000-0000-4000-8000-000000000500")],
    json.dumps({"reasons": [{"code": "50000060", "message": "mutant: unexpected input"}]}).encode(),
)


def _crash() -> Answer:
    return Answer(SERVER_ERROR.status, list(SERVER_ERROR.headers), SERVER_ERROR.body)


def _execute_key(environ: WSGIEnvironment) -> str | None:
    if environ.get("REQUEST_METHOD") != "POST":
        return None
    match = EXECUTE_ANY.match(str(environ.get("PATH_INFO", "")))
    return match.group(1) if match else None


def _unusual_body(raw: bytes) -> bool:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    item = body.get("scheduleItemId", "absent")
    odd_item = item is None or item == "" or (isinstance(item, str) and not item.isascii())
    return odd_item or bool(set(body) - {"scheduleItemId"})


def _crash_on_unusual_input(app: WSGIApplication) -> WSGIApplication:
    """Keys, bodies and headers outside the happy path crash the handler."""

    def before(environ: WSGIEnvironment) -> Answer | None:
        key = _execute_key(environ)
        if key is None:
            return None
        track = str(environ.get("HTTP_ZUORA_TRACK_ID", ""))
        if len(key) > 64 or not ORDINARY_KEY.match(key) or not track.isascii() or _unusual_body(read_body(environ)):
            return _crash()
        return None

    return Wrapper(app, before=before)


def _no_gzip(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        if _execute_key(environ) and "gzip" in str(environ.get("HTTP_CONTENT_ENCODING", "")):
            return _crash()
        return None

    return Wrapper(app, before=before)


def _internal(app: WSGIApplication, environ: WSGIEnvironment, method: str, path: str, body: bytes = b"") -> Answer:
    """Call the wrapped mock with the caller's credentials, as a defective server's own code would."""
    inner = {key: value for key, value in environ.items() if key.startswith("HTTP_AUTHORIZATION")}
    inner.update(
        {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "CONTENT_TYPE": "application/json",
         "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "HTTP_ZUORA_VERSION": "2025-01-01",
         "HTTP_ACCEPT_ENCODING": "identity"}
    )  # fmt: skip
    return call(app, inner)


def _crash_when_fully_processed(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        key = _execute_key(environ)
        if key is None:
            return None
        schedule = _internal(app, environ, "GET", f"/v1/invoice-schedules/{key}").json()
        if isinstance(schedule, dict) and schedule.get("status") == "FullyProcessed":
            return _crash()
        return None

    return Wrapper(app, before=before)


def _late_execution_after_refusal(app: WSGIApplication) -> WSGIApplication:
    """A refused execute is queued and runs a moment later anyway."""

    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        key = _execute_key(environ)
        body = answer.json()
        refused = answer.code >= 400 or (isinstance(body, dict) and body.get("success") is False)
        if key is None or not refused or answer.code == 401:
            return

        def later() -> None:
            time.sleep(0.15)
            _internal(app, environ, "POST", f"/v1/invoice-schedules/{key}/execute", b"{}")

        threading.Thread(target=later, daemon=True).start()

    return Wrapper(app, after=after)


def _idempotency_keyed_by_body(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        key = environ.get("HTTP_IDEMPOTENCY_KEY")
        if key and _execute_key(environ):
            digest = hashlib.sha256(read_body(environ)).hexdigest()[:8]
            environ["HTTP_IDEMPOTENCY_KEY"] = f"{key}-{digest}"
        return None

    return Wrapper(app, before=before)


def _resume_forgets_status(environ: WSGIEnvironment, answer: Answer) -> None:
    body = answer.json()
    path = str(environ.get("PATH_INFO", ""))
    resumed = environ.get("REQUEST_METHOD") == "PUT" and path.endswith("/resume") and isinstance(body, dict)
    if resumed and body.get("status") in {"PartiallyProcessed", "FullyProcessed"}:
        body["status"] = "Pending"
        answer.set_json(body)


def _refusal_hides_execution(app: WSGIApplication) -> WSGIApplication:
    """A request that loses a race is executed, yet answered as a lock refusal (409)."""
    wrapper = Wrapper(app)
    lock = threading.Lock()

    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        key = _execute_key(environ)
        body = answer.json()
        refused = not isinstance(body, dict) or body.get("success") is False
        if key is None or environ.get("HTTP_IDEMPOTENCY_KEY") or answer.code != 200 or refused:
            return
        now = time.monotonic()
        with lock:
            previous = wrapper.state.get(key, 0.0)
            wrapper.state[key] = now
        if now - previous < 0.03:
            answer.set_status(409, "Conflict")
            refusal = {"success": False, "processId": "0" * 16, "reasons": [{"code": "50000050", "message": "busy"}]}
            answer.set_json(refusal)

    wrapper.after = after
    return wrapper


def _unsupported_version_as_modern(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        version = str(environ.get("HTTP_ZUORA_VERSION", ""))
        if version and not re.match(r"^(\d+(\.\d+)?|\d{4}-\d{2}-\d{2})$", version):
            environ["HTTP_ZUORA_VERSION"] = "2025-01-01"
        return None

    return Wrapper(app, before=before)


def _every_answer(edit: Callable[[WSGIEnvironment, Answer], None]) -> Callable[[WSGIApplication], WSGIApplication]:
    return lambda app: Wrapper(app, after=edit)


def _m(name: str, defect: str, kills: set[str], plausible: set[str] | frozenset[str], build: Any) -> Mutant:
    return Mutant(name, defect, frozenset(kills), frozenset(plausible), build)


ROBUSTNESS = {
    "robustness.long-key-no-server-error", "robustness.encoded-slash-key-no-server-error",
    "robustness.lower-case-number-no-server-error", "robustness.upper-case-id-no-server-error",
    "robustness.non-ascii-item-id-no-server-error", "robustness.non-ascii-track-id-no-server-error",
    "robustness.null-item-id-no-server-error", "robustness.empty-item-id-no-server-error",
    "robustness.unknown-body-fields-no-server-error",
}  # fmt: skip

SECOND_EDITION: tuple[Mutant, ...] = (
    _m(
        "crash-on-unusual-input",
        "odd keys, item ids, body fields or track ids get a 500",
        ROBUSTNESS,
        set(),
        _crash_on_unusual_input,
    ),
    _m(
        "no-gzip-requests",
        "a gzip-compressed request body gets a 500",
        {"encoding.gzip-body-executes", "encoding.corrupt-gzip-refused"},
        set(),
        _no_gzip,
    ),
    _m(
        "fully-processed-crashes",
        "executing a fully processed schedule gets a 500",
        {"lifecycle.fully-processed-named-item-refused", "lifecycle.fully-processed-empty-body-no-server-error"},
        {"items.walk-in-run-date-order"},
        _crash_when_fully_processed,
    ),
    _m(
        "late-execution-after-refusal",
        "a refused execute runs a moment later anyway",
        {"refusals.nothing-executed-later"},
        # The late execution can land before a case's own check that nothing changed, and a scenario's
        # refused attempt (a 409 under concurrency) can run items the scenario counts.
        UNCHANGED
        | {"idempotency.replays-refusals", "idempotency.in-flight-at-most-once", "concurrency.item-at-most-once"}
        | {"lifecycle.concurrent-empty-bodies-once-each"},
        _late_execution_after_refusal,
    ),
    _m(
        "idempotency-keyed-by-body",
        "the same Idempotency-Key with another body executes again",
        {"idempotency.other-body-not-executed"},
        set(),
        _idempotency_keyed_by_body,
    ),
    _m(
        "resume-forgets-status",
        "resume answers Pending for a partially processed schedule",
        {"lifecycle.resume-restores-status"},
        set(),
        _every_answer(_resume_forgets_status),
    ),
    _m(
        "refusal-hides-execution",
        "a concurrent execute is run but answered 409",
        {"lifecycle.concurrent-empty-bodies-once-each"},
        {"concurrency.item-at-most-once"},
        _refusal_hides_execution,
    ),
    _m(
        "unsupported-version-as-modern",
        "an unsupported Zuora-Version selects the modern convention",
        {"versions.unsupported-is-tenant-default"},
        set(),
        _unsupported_version_as_modern,
    ),
)
