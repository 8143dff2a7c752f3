"""The catalogue of broken mocks: each names the rules that must catch it and those that may fail too."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from wsgiref.types import WSGIApplication, WSGIEnvironment

from tests.documented import RESPONSE_WITH_ITEM
from tests.mutants.wsgi import Answer, Wrapper, call, read_body, replace_body

EXECUTE = re.compile(r"^/v1/invoice-schedules/([^/]+)/execute$")


@dataclass(frozen=True)
class Mutant:
    """A named defect: how to build it, which rules must catch it, which may fail alongside."""

    name: str
    defect: str
    kills: frozenset[str]
    plausible: frozenset[str]
    build: Callable[[WSGIApplication], WSGIApplication]
    consequence: str = ""

    def allows(self, rule_id: str) -> bool:
        """A failure is plausible if its id or family is expected or listed as collateral."""
        family = rule_id.split(".", 1)[0]
        allowed = self.kills | self.plausible
        return "*" in allowed or rule_id in allowed or family in allowed


def _path(environ: WSGIEnvironment) -> str:
    return str(environ.get("PATH_INFO", ""))


def _executes(environ: WSGIEnvironment) -> bool:
    return environ.get("REQUEST_METHOD") == "POST" and bool(EXECUTE.match(_path(environ)))


def _is_refusal(answer: Answer) -> bool:
    body = answer.json()
    return answer.code >= 400 or (isinstance(body, dict) and body.get("success") is False)


def _edit_execute_success(edit: Callable[[dict[str, Any]], None]) -> Callable[[WSGIApplication], WSGIApplication]:
    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        body = answer.json()
        if _executes(environ) and answer.code == 200 and isinstance(body, dict) and body.get("success") is not False:
            edit(body)
            answer.set_json(body)

    return lambda app: Wrapper(app, after=after)


def _edit_every_answer(edit: Callable[[WSGIEnvironment, Answer], None]) -> Callable[[WSGIApplication], WSGIApplication]:
    return lambda app: Wrapper(app, after=edit)


def _verbatim_sample(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        if not _executes(environ):
            return None
        headers = [("Content-Type", "application/json"), ("Zuora-Request-Id", "0" * 8 + "-0000-4000-8000-" + "0" * 12)]
        return Answer("200 OK", headers, json.dumps(RESPONSE_WITH_ITEM).encode())

    return Wrapper(app, before=before)


def _strip_request(field: str) -> Callable[[WSGIApplication], WSGIApplication]:
    def before(environ: WSGIEnvironment) -> Answer | None:
        if _executes(environ):
            try:
                body = json.loads(read_body(environ) or b"{}")
            except ValueError:
                return None
            if isinstance(body, dict) and field in body:
                body.pop(field)
                replace_body(environ, json.dumps(body).encode())
        return None

    return lambda app: Wrapper(app, before=before)


def _drop_request_header(header: str) -> Callable[[WSGIApplication], WSGIApplication]:
    def before(environ: WSGIEnvironment) -> Answer | None:
        environ.pop("HTTP_" + header.upper().replace("-", "_"), None)
        return None

    return lambda app: Wrapper(app, before=before)


def _ignore_pause(app: WSGIApplication) -> WSGIApplication:
    """Pause is answered as if done, but the schedule stays executable (the state is never changed)."""

    def before(environ: WSGIEnvironment) -> Answer | None:
        path = _path(environ)
        if environ.get("REQUEST_METHOD") == "PUT" and path.endswith(("/pause", "/resume")):
            environ["PATH_INFO"] = path.rsplit("/", 1)[0]
            environ["REQUEST_METHOD"] = "GET"
            answer = call(app, environ)
            body = answer.json()
            if isinstance(body, dict) and path.endswith("/pause"):
                body["status"] = "Paused"
                answer.set_json(body)
            return answer
        return None

    return Wrapper(app, before=before)


def _resume_noop(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        path = _path(environ)
        if environ.get("REQUEST_METHOD") == "PUT" and path.endswith("/resume"):
            environ["PATH_INFO"], environ["REQUEST_METHOD"] = path.rsplit("/", 1)[0], "GET"
        return None

    return Wrapper(app, before=before)


def _accept_any_token(app: WSGIApplication) -> WSGIApplication:
    wrapper = Wrapper(app)

    def before(environ: WSGIEnvironment) -> Answer | None:
        if not _path(environ).startswith("/v1/"):
            return None
        if "token" not in wrapper.state:
            wrapper.state["token"] = _fetch_token(app, environ)
        environ["HTTP_AUTHORIZATION"] = f"Bearer {wrapper.state['token']}"
        return None

    wrapper.before = before
    return wrapper


def _fetch_token(app: WSGIApplication, environ: WSGIEnvironment) -> str:
    import io

    from zuora_mock.config import MockConfig

    config = MockConfig()
    form = f"client_id={config.client_id}&client_secret={config.client_secret}&grant_type=client_credentials".encode()
    token_env = dict(environ)
    token_env.update(
        {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/oauth/token", "QUERY_STRING": "",
            "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(form)),
            "wsgi.input": io.BytesIO(form),
        }
    )  # fmt: skip
    token_env.pop("HTTP_AUTHORIZATION", None)
    return str(call(app, token_env).json()["access_token"])


def _double_execute(app: WSGIApplication) -> WSGIApplication:
    """A racy mock: a named item that is no longer pending is 'executed' again with a fresh bill run."""
    wrapper = Wrapper(app)

    def before(environ: WSGIEnvironment) -> Answer | None:
        if _executes(environ):
            environ["mutant.named"] = b"scheduleItemId" in read_body(environ)
        return None

    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        if not _executes(environ) or not environ.get("mutant.named"):
            return
        body = answer.json()
        if not _is_refusal(answer) and isinstance(body, dict):
            wrapper.state["last"] = body
        elif "last" in wrapper.state and answer.code < 500:
            again = dict(wrapper.state["last"], id=secrets.token_hex(16))
            answer.set_status(200, "OK")
            answer.set_json(again)

    wrapper.before, wrapper.after = before, after
    return wrapper


def _modern(environ: WSGIEnvironment) -> bool:
    version = str(environ.get("HTTP_ZUORA_VERSION", ""))
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}$", version)) and version >= "2024-05-20"


def _legacy_errors_as_400(environ: WSGIEnvironment, answer: Answer) -> None:
    if answer.code == 200 and _is_refusal(answer):
        answer.set_status(400, "Bad Request")


def _modern_errors_as_200(environ: WSGIEnvironment, answer: Answer) -> None:
    if _modern(environ) and 400 <= answer.code < 500 and answer.code != 401:
        answer.set_status(200, "OK")


def _server_error_on_bad_json(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        if _executes(environ):
            try:
                json.loads(read_body(environ))
            except ValueError:
                body = json.dumps({"reasons": [{"code": "SystemError", "message": "internal server error"}]})
                return Answer("500 Internal Server Error", [("Content-Type", "application/json")], body.encode())
        return None

    return Wrapper(app, before=before)


def _drop_success_in_errors(environ: WSGIEnvironment, answer: Answer) -> None:
    body = answer.json()
    if _is_refusal(answer) and isinstance(body, dict):
        body.pop("success", None)
        answer.set_json(body)


def _status_201(environ: WSGIEnvironment, answer: Answer) -> None:
    if _executes(environ) and answer.code == 200 and not _is_refusal(answer):
        answer.set_status(201, "Created")


def _fixed_bill_run(app: WSGIApplication) -> WSGIApplication:
    wrapper = Wrapper(app)

    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        body = answer.json()
        if _executes(environ) and not _is_refusal(answer) and isinstance(body, dict):
            first = wrapper.state.setdefault("first", (body["id"], body["billRunNumber"]))
            body["id"], body["billRunNumber"] = first
            answer.set_json(body)

    wrapper.after = after
    return wrapper


def _bill_runs_missing(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        if _path(environ).startswith("/v1/bill-runs/"):
            environ["PATH_INFO"] = "/v1/bill-runs/" + "0" * 32
        return None

    return Wrapper(app, before=before)


def _number_keys_unknown(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        if _executes(environ) and "/IS-" in _path(environ):
            environ["PATH_INFO"] = _path(environ).replace("/IS-", "/IS-9")
        return None

    return Wrapper(app, before=before)


def _items_frozen(environ: WSGIEnvironment, answer: Answer) -> None:
    """Execution 'succeeds' but the schedule never shows progress, as a stateless stub would."""
    body = answer.json()
    if environ.get("REQUEST_METHOD") == "GET" and isinstance(body, dict) and "scheduleItems" in body:
        body["status"] = "Pending" if body.get("status") != "Paused" else "Paused"
        for item in body["scheduleItems"]:
            item["status"] = "Pending"
        answer.set_json(body)


def _auth_as_403(environ: WSGIEnvironment, answer: Answer) -> None:
    if answer.code == 401:
        answer.set_status(403, "Forbidden")


def _wrong_content_type(environ: WSGIEnvironment, answer: Answer) -> None:
    if _executes(environ):
        answer.set_header("Content-Type", "text/html")


def _no_reasons(environ: WSGIEnvironment, answer: Answer) -> None:
    body = answer.json()
    if _executes(environ) and _is_refusal(answer) and isinstance(body, dict):
        body["reasons"] = []
        answer.set_json(body)


def _drop_header(header: str) -> Callable[[WSGIEnvironment, Answer], None]:
    return lambda environ, answer: answer.drop_header(header) if _executes(environ) else None


def _invent_track_id(environ: WSGIEnvironment, answer: Answer) -> None:
    if _executes(environ) and "HTTP_ZUORA_TRACK_ID" not in environ:
        answer.set_header("Zuora-Track-Id", "invented-by-the-server")


def _string_expires_in(environ: WSGIEnvironment, answer: Answer) -> None:
    """The token answer says `"expires_in": "3600"`, as a hand-written mock that copies a header value might."""
    body = answer.json()
    if _path(environ) == "/oauth/token" and answer.code == 200 and isinstance(body, dict) and "expires_in" in body:
        body["expires_in"] = str(body["expires_in"])
        answer.set_json(body)


def _set_filter(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(body: dict[str, Any]) -> None:
        for entry in body.get("billRunFilters") or []:
            entry[field] = value

    return edit


def _set_field(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda body: body.__setitem__(field, value)


ANY_EXECUTION = frozenset({"samples", "keys", "items", "paused", "billrun", "headers", "idempotency", "concurrency"})
STATEFUL = frozenset({"samples", "keys", "items", "paused", "billrun", "idempotency", "concurrency", "errors"})
REFUSALS = frozenset({"keys", "items", "paused", "errors", "validation", "headers", "idempotency", "auth"})


def _m(
    name: str, defect: str, kills: set[str], plausible: frozenset[str] | set[str], build: Any, why: str = ""
) -> Mutant:
    return Mutant(name, defect, frozenset(kills), frozenset(plausible), build, why)


MUTANTS: tuple[Mutant, ...] = (
    _m(
        "verbatim-sample",
        "execute returns the documented sample verbatim and ignores state",
        {"samples.with-item", "samples.without-item", "keys.by-number"},
        ANY_EXECUTION | REFUSALS,
        _verbatim_sample,
    ),
    _m(
        "drop-track-id",
        "Zuora-Track-Id is not echoed on execute",
        {"headers.track-id-echoed-on-success", "headers.track-id-echoed-on-error", "samples.with-item"},
        ANY_EXECUTION | REFUSALS,
        _edit_every_answer(_drop_header("Zuora-Track-Id")),
    ),
    _m(
        "invent-track-id",
        "Zuora-Track-Id is returned though none was sent",
        {"headers.no-track-id-none-returned", "samples.without-item"},
        ANY_EXECUTION | REFUSALS,
        _edit_every_answer(_invent_track_id),
    ),
    _m(
        "drop-request-id",
        "Zuora-Request-Id is missing on execute",
        {"headers.request-id-on-not-found"},
        ANY_EXECUTION | REFUSALS,
        _edit_every_answer(_drop_header("Zuora-Request-Id")),
    ),
    _m(
        "ignore-pause",
        "a paused schedule executes anyway",
        {"paused.empty-body-refused", "paused.named-item-refused"},
        {"paused", "errors", "headers", "idempotency"},
        _ignore_pause,
    ),
    _m(
        "resume-noop",
        "resume leaves the schedule paused",
        {"paused.executable-after-resume"},
        {"idempotency"},
        _resume_noop,
    ),
    _m(
        "ignore-item-id",
        "scheduleItemId is ignored and the next item runs",
        {"items.named-earliest-executes", "items.processed-item-refused", "samples.with-item"},
        STATEFUL | REFUSALS,
        _strip_request("scheduleItemId"),
    ),
    _m(
        "accept-any-token",
        "requests without a valid token are served",
        {"auth.missing-token", "auth.wrong-token", "auth.malformed-token", "auth.wrong-token-modern-version"},
        {"auth", "headers.track-id-echoed-on-401"},
        _accept_any_token,
    ),
    _m(
        "auth-as-403",
        "bad credentials get 403 instead of 401",
        {"auth.missing-token", "auth.wrong-token"},
        {"auth", "headers.track-id-echoed-on-401"},
        _edit_every_answer(_auth_as_403),
    ),
    _m(
        "no-idempotency",
        "Idempotency-Key is ignored",
        {"idempotency.replay", "idempotency.replays-refusals"},
        set(),
        _drop_request_header("Idempotency-Key"),
    ),
    _m(
        "legacy-errors-as-400",
        "errors under versions before 2024-05-20 use HTTP 4xx",
        {"errors.legacy-version-unknown-key", "errors.legacy-version-paused"},
        REFUSALS,
        _edit_every_answer(_legacy_errors_as_400),
    ),
    _m(
        "modern-errors-as-200",
        "errors under 2024-05-20 and later come back as HTTP 200",
        {"errors.modern-version-unknown-key", "errors.modern-version-paused", "errors.modern-version-processed-item"},
        REFUSALS,
        _edit_every_answer(_modern_errors_as_200),
    ),
    _m(
        "server-error-on-bad-json",
        "malformed JSON gets a 500",
        {"validation.malformed-json-refused"},
        {"validation"},
        _server_error_on_bad_json,
    ),
    _m(
        "errors-without-success",
        "error envelopes lack `success`",
        {"keys.unknown-id-refused", "paused.empty-body-refused"},
        REFUSALS | STATEFUL,
        _edit_every_answer(_drop_success_in_errors),
        "zuora-sdk reads a missing `success` as true",
    ),
    _m(
        "errors-without-reasons",
        "error envelopes carry no reasons",
        {"keys.unknown-id-refused", "paused.empty-body-refused"},
        REFUSALS | STATEFUL,
        _edit_every_answer(_no_reasons),
    ),
    _m(
        "execute-201",
        "execute answers 201 Created",
        {"samples.with-item", "samples.without-item", "items.named-earliest-executes"},
        ANY_EXECUTION | REFUSALS,
        _edit_every_answer(_status_201),
        "zuora-sdk returns None for a 201",
    ),
    _m(
        "filters-not-objects",
        "billRunFilters holds strings",
        {"samples.with-item", "items.named-earliest-executes"},
        ANY_EXECUTION,
        _edit_execute_success(lambda body: body.__setitem__("billRunFilters", ["InvoiceSchedule"])),
        "zuora-sdk raises on a non-object filter",
    ),
    _m(
        "filter-account-is-key",
        "filter accountId carries the account number",
        {"samples.with-item", "items.named-earliest-executes"},
        ANY_EXECUTION,
        _edit_execute_success(_set_filter("accountId", "A00000001")),
    ),
    _m(
        "filter-drops-schedule-id",
        "filter lacks invoiceScheduleId",
        {"samples.with-item", "keys.by-number"},
        ANY_EXECUTION,
        _edit_execute_success(_set_filter("invoiceScheduleId", None)),
    ),
    _m(
        "filter-item-always-null",
        "filter never echoes the item",
        {"samples.with-item", "items.named-earliest-executes"},
        ANY_EXECUTION,
        _edit_execute_success(_set_filter("invoiceScheduleItemId", None)),
    ),
    _m(
        "iso-created-date",
        "createdDate uses RFC 3339 instead of Zuora's format",
        {"samples.with-item", "samples.without-item"},
        ANY_EXECUTION,
        _edit_execute_success(_set_field("createdDate", "2022-11-08T17:26:09Z")),
    ),
    _m(
        "lowercase-status",
        "bill-run status is not in the documented enum",
        {"samples.with-item"},
        ANY_EXECUTION,
        _edit_execute_success(_set_field("status", "pending")),
    ),
    _m(
        "number-as-integer",
        "billRunNumber is a JSON number",
        {"samples.with-item"},
        ANY_EXECUTION,
        _edit_execute_success(_set_field("billRunNumber", 170238)),
    ),
    _m(
        "same-bill-run",
        "every execution returns the first bill run",
        {"billrun.new-per-execution"},
        ANY_EXECUTION,
        _fixed_bill_run,
    ),
    _m(
        "bill-runs-unretrievable",
        "GET /v1/bill-runs/{id} never finds the bill run",
        {"billrun.retrievable", "samples.with-item"},
        ANY_EXECUTION,
        _bill_runs_missing,
    ),
    _m(
        "number-keys-unsupported",
        "IS- numbers are not accepted as keys",
        {"keys.by-number"},
        set(),
        _number_keys_unknown,
    ),
    _m(
        "items-never-progress",
        "executed items stay Pending (a stateless stub)",
        {"samples.with-item", "items.walk-in-run-date-order"},
        STATEFUL,
        _edit_every_answer(_items_frozen),
    ),
    _m(
        "double-execution",
        "a named item that already ran is executed again",
        {"concurrency.item-at-most-once", "items.processed-item-refused"},
        STATEFUL | REFUSALS,
        _double_execute,
    ),
    _m(
        "html-content-type",
        "execute answers with Content-Type text/html",
        {"samples.with-item"},
        ANY_EXECUTION | REFUSALS,
        _edit_every_answer(_wrong_content_type),
    ),
    _m(
        "token-expires-in-string",
        "the OAuth token answer carries expires_in as a JSON string",
        {"auth.token-expires-in-number"},
        set(),
        _edit_every_answer(_string_expires_in),
        "zuora-sdk leaves the client silently unauthenticated",
    ),
)
