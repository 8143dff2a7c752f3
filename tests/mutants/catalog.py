"""The catalogue of broken mocks: each names the rules that must catch it and those that may fail too."""

from __future__ import annotations

import io
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from wsgiref.types import WSGIApplication, WSGIEnvironment

from tests.documented import RESPONSE_WITH_ITEM
from tests.mutants.wsgi import Answer, Wrapper, call, read_body, replace_body

from zuora_contract.catalogue.cases import Case, load_cases
from zuora_contract.catalogue.registry import load_registry
from zuora_contract.rules.conventions import version_mode

EXECUTE = re.compile(r"^/v1/invoice-schedules/(.+)/execute$")  # a key may hold an encoded slash


@dataclass(frozen=True)
class Mutant:
    """A named defect: how to build it, which rules must catch it, which may fail alongside."""

    name: str
    defect: str
    kills: frozenset[str]
    plausible: frozenset[str]
    build: Callable[[WSGIApplication], WSGIApplication]
    consequence: str = ""
    # Fuzz rules that must fail when only the fuzz tests run against it (test_fuzz_detection).
    fuzz_kills: frozenset[str] = frozenset()

    def allows(self, rule_id: str) -> bool:
        """A failure is plausible only if its id is expected to fail or listed as collateral."""
        return rule_id in self.kills | self.plausible


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


def _in_flight_duplicates_execute(app: WSGIApplication) -> WSGIApplication:
    """An Idempotency-Key is recorded only once its execution ends: a duplicate sent meanwhile executes again."""
    lock, in_flight = threading.Lock(), set[str]()

    def before(environ: WSGIEnvironment) -> Answer | None:
        key = str(environ.get("HTTP_IDEMPOTENCY_KEY", ""))
        if not key or not _executes(environ):
            return None
        with lock:
            duplicate = key in in_flight
            in_flight.add(key)
        if duplicate:
            environ.pop("HTTP_IDEMPOTENCY_KEY")
            return None
        try:
            time.sleep(0.3)  # a slow first execution: the duplicates arrive while it runs
            return call(app, environ)
        finally:
            with lock:
                in_flight.discard(key)

    return Wrapper(app, before=before)


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
    """A stateless stub: every bill run reports Completed at once, yet the schedule never shows progress."""
    body = answer.json()
    if environ.get("REQUEST_METHOD") != "GET" or not isinstance(body, dict):
        return
    if _path(environ).startswith("/v1/bill-runs/") and "status" in body:
        body["status"] = "Completed"
    elif "scheduleItems" in body:
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


def _server_error(environ: WSGIEnvironment) -> Answer:
    """Zuora's 500 shape (ErrorResponse), with the headers a framework error page would still carry."""
    body = json.dumps({"reasons": [{"code": "SystemError", "message": "internal server error"}]}).encode()
    headers = [("Content-Type", "application/json"), ("Zuora-Request-Id", str(uuid.uuid4()))]
    if "HTTP_ZUORA_TRACK_ID" in environ:
        headers.append(("Zuora-Track-Id", str(environ["HTTP_ZUORA_TRACK_ID"])))
    return Answer("500 Internal Server Error", headers, body)


def _not_json(raw: str) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False


def _server_error_when(test: Callable[[WSGIEnvironment], bool]) -> Callable[[WSGIApplication], WSGIApplication]:
    """Execute crashes (HTTP 500) on requests that `test` picks, as unguarded parsing code would."""

    def before(environ: WSGIEnvironment) -> Answer | None:
        return _server_error(environ) if _executes(environ) and test(environ) else None

    return lambda app: Wrapper(app, before=before)


def _request_json(environ: WSGIEnvironment) -> Any:
    """The execute request's JSON body, or None when it is not JSON."""
    try:
        return json.loads(read_body(environ) or b"null")
    except ValueError:
        return None


def _accept_lists_a_word(environ: WSGIEnvironment) -> bool:
    ranges = (part.split(";")[0].strip() for part in str(environ.get("HTTP_ACCEPT", "")).split(","))
    return any(media and "/" not in media for media in ranges)


def _json_not_an_object(environ: WSGIEnvironment) -> bool:
    body = _request_json(environ)
    return body is not None and not isinstance(body, dict)


def _not_json_media(environ: WSGIEnvironment) -> bool:
    return str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower() != "application/json"


def _header_longer(name: str, limit: int) -> Callable[[WSGIEnvironment], bool]:
    return lambda environ: len(str(environ.get(name, ""))) > limit


def _unknown_number_crashes(environ: WSGIEnvironment, answer: Answer) -> None:
    """An IS- number is looked up with an unguarded index: an unknown one raises, so HTTP 500."""
    key = EXECUTE.match(_path(environ))
    body = answer.json()
    if key and _executes(environ) and key.group(1).startswith("IS-") and _is_refusal(answer):
        codes = [str(reason.get("code", "")) for reason in (body or {}).get("reasons", []) if isinstance(reason, dict)]
        if any(code.endswith("40") for code in codes):
            crash = _server_error(environ)
            answer.status, answer.body = crash.status, crash.body


Owners = dict[str, str]


Build = Callable[[WSGIApplication], WSGIApplication]


def _indexed(before: Callable[[WSGIEnvironment, Owners], Answer | None]) -> Build:
    """A wrapper that knows which schedule each item was created in, as a mock with a global item index would.

    `before` sees the request and `owners`: item id -> schedule id, and IS- number -> schedule id.
    """

    def build(app: WSGIApplication) -> WSGIApplication:
        owners: Owners = {}

        def after(environ: WSGIEnvironment, answer: Answer) -> None:
            body = answer.json()
            if isinstance(body, dict) and isinstance(body.get("scheduleItems"), list) and "id" in body:
                owners[str(body.get("number"))] = str(body["id"])
                owners.update({str(item["id"]): str(body["id"]) for item in body["scheduleItems"] if "id" in item})

        return Wrapper(app, before=lambda environ: before(environ, owners), after=after)

    return build


def _drop_item_if(test: Callable[[Any, Owners], bool]) -> Callable[[WSGIApplication], WSGIApplication]:
    """Execute drops a `scheduleItemId` that `test` rejects and runs the next pending item instead."""

    def before(environ: WSGIEnvironment, owners: Owners) -> Answer | None:
        body = _request_json(environ) if _executes(environ) else None
        if isinstance(body, dict) and "scheduleItemId" in body and test(body["scheduleItemId"], owners):
            body.pop("scheduleItemId")
            replace_body(environ, json.dumps(body).encode())
        return None

    return _indexed(before)


def _item_of_any_schedule(environ: WSGIEnvironment, owners: Owners) -> Answer | None:
    """The item is looked up by id alone: another schedule's item is executed on its own schedule."""
    key = EXECUTE.match(_path(environ))
    body = _request_json(environ) if key and _executes(environ) else None
    if key and isinstance(body, dict) and isinstance(body.get("scheduleItemId"), str):
        owner = owners.get(body["scheduleItemId"])
        if owner and owner != owners.get(key.group(1), key.group(1)):
            environ["PATH_INFO"] = f"/v1/invoice-schedules/{owner}/execute"
    return None


def _get_json(app: WSGIApplication, environ: WSGIEnvironment, path: str) -> Any:
    """GET `path` from the wrapped mock with the request's credentials."""
    get = dict(environ)
    get.update({"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "CONTENT_LENGTH": "0"})
    get["wsgi.input"] = io.BytesIO(b"")
    for name in ("CONTENT_TYPE", "HTTP_IDEMPOTENCY_KEY", "HTTP_ZUORA_TRACK_ID"):
        get.pop(name, None)
    return call(app, get).json()


def _echo_item_for_empty_body(app: WSGIApplication) -> WSGIApplication:
    """`{}` runs the next item, and the filter names that item instead of echoing the request's null."""

    def before(environ: WSGIEnvironment) -> Answer | None:
        environ["mutant.request"] = _request_json(environ) if _executes(environ) else None
        return None

    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        key = EXECUTE.match(_path(environ))
        request, body = environ["mutant.request"], answer.json()
        if not (key and _executes(environ) and answer.code == 200 and isinstance(body, dict)):
            return
        if body.get("success") is False or (isinstance(request, dict) and "scheduleItemId" in request):
            return
        schedule = _get_json(app, environ, f"/v1/invoice-schedules/{key.group(1)}")
        items = (schedule or {}).get("scheduleItems", [])
        running = [item["id"] for item in items if item.get("status") == "Executing"]
        if running:
            _set_filter("invoiceScheduleItemId", running[-1])(body)
            answer.set_json(body)

    return Wrapper(app, before=before, after=after)


# Which catalogue cases a defect can reach, by what their request sends and what they expect; the runner
# judges Zuora-Request-Id, Content-Type and the Zuora-Track-Id echo on every case (runner.run_case).
CASES = load_cases()


def cases_where(test: Callable[[Case], bool]) -> frozenset[str]:
    """The ids of the catalogue cases `test` picks."""
    return frozenset(case.qualified_id for case in CASES if test(case))


def _own_track_id(case: Case) -> bool:
    """The case sends its own Zuora-Track-Id value, whose echo the runner does not judge."""
    return "Zuora-Track-Id" in {**case.request.get("headers", {}), **case.request.get("utf8_headers", {})}


def _echoes_track_id(case: Case) -> bool:
    return bool(case.request.get("track_id", True)) and not _own_track_id(case)


def _sends_no_track_id(case: Case) -> bool:
    return not case.request.get("track_id", True) and not _own_track_id(case)


def _names_item(case: Case) -> bool:
    return "scheduleItemId" in json.dumps(case.request.get("body", {})) + case.request.get("raw_body", "")


def _modern_case(case: Case) -> bool:
    return version_mode(case.request.get("version")) == "modern"


EVERY_CASE = cases_where(lambda case: True)
BILL_RUN = cases_where(lambda case: case.expect["outcome"] == "bill-run")
REFUSED = cases_where(lambda case: case.expect["outcome"] in {"refused", "refused-any-shape"})
UNAUTHORIZED = cases_where(lambda case: case.expect["outcome"] == "unauthorized")
ECHO_TRACK_ID = cases_where(_echoes_track_id)
NO_TRACK_ID = cases_where(_sends_no_track_id)
ECHO_ITEM = cases_where(lambda case: "echo_item" in case.expect)
ECHO_NULL = cases_where(lambda case: "echo_item" in case.expect and case.expect["echo_item"] is None)
NAMED_REFUSED = cases_where(lambda case: _names_item(case) and case.expect["outcome"] == "refused")
MODERN_VERSION = cases_where(_modern_case)
PAUSED = cases_where(lambda case: case.given == "paused-schedule")
BY_NUMBER = cases_where(lambda case: case.request.get("key") in {"number", "unknown-number"})
NOT_JSON = cases_where(lambda case: "raw_body" in case.request and _not_json(case.request["raw_body"]))
COMPRESSED = cases_where(lambda case: "content_encoding" in case.request)
# Cases that check, right after the answer, that nothing changed.
UNCHANGED = cases_where(lambda case: case.expect.get("side_effects", "allowed") != "allowed")

SAMPLES = frozenset({"samples.with-item", "samples.without-item"})
SAMPLE_KEYS = frozenset({"samples.every-documented-key"})
SCENARIOS = frozenset(rule.id for rule in load_registry().values() if rule.kind == "scenario")
# Scenarios that send execute requests and judge their answers or effects: all but the token answer,
# the gzip-compressed read, and the fuzz rules (not run by the detection harness).
EXECUTING_SCENARIOS = frozenset(
    rule
    for rule in SCENARIOS
    if rule not in {"auth.token-expires-in-number", "encoding.gzip-response-over-1000-bytes"}
    and not rule.startswith("fuzz.")
)
# Every rule that judges a bill run's shape: the bill-run cases, the samples, and a scenario.
SHAPE_JUDGED = BILL_RUN | SAMPLES | SAMPLE_KEYS | {"billrun.new-per-execution"}


def _m(
    name: str,
    defect: str,
    kills: frozenset[str] | set[str],
    plausible: frozenset[str] | set[str],
    build: Any,
    why: str = "",
    fuzz_kills: frozenset[str] | set[str] = frozenset(),
) -> Mutant:
    return Mutant(name, defect, frozenset(kills), frozenset(plausible), build, why, frozenset(fuzz_kills))


MUTANTS: tuple[Mutant, ...] = (
    _m(
        "verbatim-sample",
        "execute returns the documented sample verbatim and ignores state",
        # Every refusal the stub is asked for (a precondition that executes first is already broken). The
        # samples see a foreign schedule in the filter, but their wait for the item to run ends as `error`.
        {"billrun.retrievable"}
        | cases_where(
            lambda case: (
                case.expect["outcome"] in {"refused", "unauthorized"}
                and case.level == "must"
                and case.given not in {"first-item-executed", "fully-processed-schedule"}
            )
        ),
        # A static stub answers every execute request alike: every case and executing scenario sees it.
        EVERY_CASE | EXECUTING_SCENARIOS,
        _verbatim_sample,
    ),
    _m(
        "drop-track-id",
        "Zuora-Track-Id is not echoed on execute",
        {"headers.track-id-echoed-on-success", "samples.with-item"},
        ECHO_TRACK_ID | {"samples.with-item"},
        _edit_every_answer(_drop_header("Zuora-Track-Id")),
        fuzz_kills={"fuzz.execute"},
    ),
    _m(
        "invent-track-id",
        "Zuora-Track-Id is returned though none was sent",
        {"headers.no-track-id-none-returned", "samples.without-item"},
        NO_TRACK_ID | {"samples.without-item"},
        _edit_every_answer(_invent_track_id),
    ),
    _m(
        "drop-request-id",
        "Zuora-Request-Id is never set",
        EVERY_CASE | SAMPLES,
        set(),
        _edit_every_answer(lambda environ, answer: answer.drop_header("Zuora-Request-Id")),
        fuzz_kills={"fuzz.execute", "fuzz.reads", "fuzz.stateful", "fuzz.sequences"},
    ),
    _m(
        "ignore-pause",
        "a paused schedule executes anyway",
        {"paused.empty-body-refused", "paused.named-item-refused"},
        # Every rule that pauses a schedule, and the end-of-run check that refused schedules stayed unchanged.
        PAUSED
        | {"idempotency.replays-refusals", "versions.unsupported-is-tenant-default"}
        | {"refusals.nothing-executed-later"},
        _ignore_pause,
    ),
    _m(
        "resume-noop",
        "resume leaves the schedule paused",
        {"paused.executable-after-resume", "lifecycle.resume-restores-status"},
        set(),
        _resume_noop,
    ),
    _m(
        "ignore-item-id",
        "scheduleItemId is ignored and the next item runs",
        {"items.named-earliest-executes", "items.processed-item-refused", "samples.with-item"},
        # Named items reach every case that names one; six `{}` run six items in the concurrency scenario.
        # Refused cases that name an item now execute, which the end-of-run check sees too.
        cases_where(_names_item) | {"concurrency.item-at-most-once", "refusals.nothing-executed-later"},
        _strip_request("scheduleItemId"),
    ),
    _m(
        "accept-any-token",
        "requests without a valid token are served",
        UNAUTHORIZED - {"headers.track-id-echoed-on-401"},
        UNAUTHORIZED | {"refusals.nothing-executed-later"},
        _accept_any_token,
    ),
    _m(
        "auth-as-403",
        "bad credentials get 403 instead of 401",
        UNAUTHORIZED - {"headers.track-id-echoed-on-401"},
        UNAUTHORIZED,
        _edit_every_answer(_auth_as_403),
    ),
    _m(
        "no-idempotency",
        "Idempotency-Key is ignored",
        {"idempotency.replay", "idempotency.replays-refusals", "idempotency.in-flight-at-most-once"}
        | {"idempotency.other-body-not-executed"},
        {"idempotency.other-url-refused", "idempotency.replay-headers"},
        _drop_request_header("Idempotency-Key"),
    ),
    _m(
        "in-flight-duplicates-execute",
        "a duplicate Idempotency-Key sent while the first request runs executes again",
        {"idempotency.in-flight-at-most-once"},
        set(),
        _in_flight_duplicates_execute,
    ),
    _m(
        "legacy-errors-as-400",
        "errors under versions before 2024-05-20 use HTTP 4xx",
        {"errors.legacy-version-unknown-key", "errors.legacy-version-paused"},
        # The tenant default (no Zuora-Version sent) is legacy on the mock: a 400 then must match the category.
        REFUSED - MODERN_VERSION,
        _edit_every_answer(_legacy_errors_as_400),
    ),
    _m(
        "modern-errors-as-200",
        "errors under 2024-05-20 and later come back as HTTP 200",
        {"errors.modern-version-unknown-key", "errors.modern-version-paused", "errors.modern-version-processed-item"},
        REFUSED & MODERN_VERSION,
        _edit_every_answer(_modern_errors_as_200),
    ),
    _m(
        "server-error-on-bad-json",
        "malformed JSON gets a 500",
        {"validation.malformed-json-refused", "validation.empty-body-no-server-error"},
        # The body is parsed before it is inflated, so a gzip body is "malformed" too.
        NOT_JSON | COMPRESSED,
        _server_error_on_bad_json,
        fuzz_kills={"fuzz.execute"},
    ),
    _m(
        "errors-without-success",
        "error envelopes lack `success`",
        {"keys.unknown-id-refused", "paused.empty-body-refused", "idempotency.replays-refusals"},
        # Refusals read as successes: six refused concurrent attempts count as six bill runs; the scenarios
        # that expect a paused schedule's refusal see none.
        REFUSED
        | UNAUTHORIZED
        | {"concurrency.item-at-most-once", "versions.unsupported-is-tenant-default"}
        | {"idempotency.replays-refusals"},
        _edit_every_answer(_drop_success_in_errors),
        "zuora-sdk reads a missing `success` as true",
    ),
    _m(
        "errors-without-reasons",
        "error envelopes carry no reasons",
        {"keys.unknown-id-refused", "paused.empty-body-refused"},
        REFUSED | UNAUTHORIZED,
        _edit_every_answer(_no_reasons),
    ),
    _m(
        "execute-201",
        "execute answers 201 Created",
        {"samples.with-item", "samples.without-item", "items.named-earliest-executes"},
        BILL_RUN | SAMPLE_KEYS | EXECUTING_SCENARIOS,
        _edit_every_answer(_status_201),
        "zuora-sdk returns None for a 201",
    ),
    _m(
        "filters-not-objects",
        "billRunFilters holds strings",
        {"samples.with-item", "items.named-earliest-executes"},
        SHAPE_JUDGED,
        _edit_execute_success(lambda body: body.__setitem__("billRunFilters", ["InvoiceSchedule"])),
        "zuora-sdk raises on a non-object filter",
    ),
    _m(
        "filter-account-is-key",
        "filter accountId carries the account number",
        {"samples.with-item", "items.named-earliest-executes"},
        ECHO_ITEM | SAMPLES,
        _edit_execute_success(_set_filter("accountId", "A00000001")),
    ),
    _m(
        "filter-drops-schedule-id",
        "filter lacks invoiceScheduleId",
        {"samples.with-item", "keys.by-number"},
        ECHO_ITEM | SAMPLES,
        _edit_execute_success(_set_filter("invoiceScheduleId", None)),
    ),
    _m(
        "filter-item-always-null",
        "filter never echoes the item",
        {"samples.with-item", "items.named-earliest-executes"},
        ECHO_ITEM - ECHO_NULL,
        _edit_execute_success(_set_filter("invoiceScheduleItemId", None)),
    ),
    _m(
        "echo-item-for-empty-body",
        "for `{}` the filter names the executed item instead of null",
        {"items.empty-body-executes-next", "items.next-after-executed", "samples.without-item"},
        # The edit is made per answer, so a replay of the stored original no longer equals the first answer.
        ECHO_NULL | {"idempotency.replay", "idempotency.replay-headers", "idempotency.other-body-not-executed"},
        _echo_item_for_empty_body,
    ),
    _m(
        "epoch-created-date",
        "createdDate is epoch milliseconds (a JSON number), as a default Jackson mapper writes a Date",
        {"samples.with-item", "samples.without-item"},
        SHAPE_JUDGED,
        _edit_execute_success(_set_field("createdDate", 1667928369000)),
        fuzz_kills={"fuzz.execute"},
    ),
    _m(
        "lowercase-status",
        "bill-run status is not in the documented enum",
        {"samples.with-item"},
        SHAPE_JUDGED,
        _edit_execute_success(_set_field("status", "pending")),
        fuzz_kills={"fuzz.execute", "fuzz.sequences"},
    ),
    _m(
        "number-as-integer",
        "billRunNumber is a JSON number",
        {"samples.with-item"},
        # The retrieved bill run carries the string number, so it no longer matches the created one.
        SHAPE_JUDGED | {"billrun.retrievable"},
        _edit_execute_success(_set_field("billRunNumber", 170238)),
    ),
    _m(
        "same-bill-run",
        "every execution returns the first bill run",
        {"billrun.new-per-execution", "idempotency.new-key-executes"},
        # Concurrent `{}` executions all name one bill run.
        {"lifecycle.concurrent-empty-bodies-once-each"},
        _fixed_bill_run,
    ),
    _m(
        "bill-runs-unretrievable",
        "GET /v1/bill-runs/{id} never finds the bill run",
        {"billrun.retrievable", "samples.with-item", "samples.without-item"},
        set(),
        _bill_runs_missing,
    ),
    _m(
        "number-keys-unsupported",
        "IS- numbers are not accepted as keys",
        {"keys.by-number"},
        BY_NUMBER,
        _number_keys_unknown,
    ),
    _m(
        "unknown-number-crashes",
        "an unknown IS- number gets a 500",
        {"keys.unknown-number-refused"},
        # Every key that is an IS- number no schedule has: the long one, and a number with an encoded slash.
        cases_where(lambda case: case.request.get("key") in {"unknown-number", "long-unknown", "encoded-slash"}),
        _edit_every_answer(_unknown_number_crashes),
    ),
    _m(
        "items-never-progress",
        "executed items stay Pending while their bill runs report Completed (a stateless stub)",
        {"samples.with-item", "items.walk-in-run-date-order"},
        BILL_RUN | EXECUTING_SCENARIOS,
        _edit_every_answer(_items_frozen),
    ),
    _m(
        "item-of-any-schedule",
        "a named item of another schedule is executed on its own schedule",
        {"items.other-schedule-item-refused"},
        {"refusals.nothing-executed-later"},
        _indexed(_item_of_any_schedule),
    ),
    _m(
        "unknown-item-runs-next",
        "an unknown scheduleItemId is ignored and the next item runs",
        {"items.unknown-item-refused"},
        # Any unknown item id, the non-ASCII one too, now executes the next item.
        {"refusals.nothing-executed-later", "robustness.non-ascii-item-id-no-server-error"},
        _drop_item_if(lambda item, owners: isinstance(item, str) and item not in owners),
    ),
    _m(
        "item-id-type-unchecked",
        "a scheduleItemId that is not a string is ignored and the next item runs",
        {"validation.numeric-item-id-refused", "validation.object-item-id-refused"},
        {"refusals.nothing-executed-later"},
        _drop_item_if(lambda item, owners: not isinstance(item, str)),
    ),
    _m(
        "double-execution",
        "a named item that already ran is executed again",
        {"concurrency.item-at-most-once", "items.processed-item-refused"},
        # Once one named execution succeeded, every later refusal of a body naming an item becomes a success.
        NAMED_REFUSED,
        _double_execute,
    ),
    _m(
        "html-content-type",
        "execute answers with Content-Type text/html",
        EVERY_CASE | SAMPLES,
        set(),
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
    _m(
        "field-accept-crashes",
        "an Accept header listing field names (an SDK bug) gets a 500",
        {"headers.nonsense-accept-header"},
        set(),
        _server_error_when(_accept_lists_a_word),
    ),
    _m(
        "long-track-id-crashes",
        "a Zuora-Track-Id over 64 characters gets a 500",
        {"validation.oversized-track-id-no-server-error"},
        set(),
        _server_error_when(_header_longer("HTTP_ZUORA_TRACK_ID", 64)),
    ),
    _m(
        "long-idempotency-key-crashes",
        "an Idempotency-Key over 255 characters gets a 500",
        {"validation.oversized-idempotency-key-no-server-error"},
        set(),
        _server_error_when(_header_longer("HTTP_IDEMPOTENCY_KEY", 255)),
    ),
    _m(
        "text-body-crashes",
        "a body sent as text/plain gets a 500",
        {"validation.text-content-type-no-server-error"},
        set(),
        _server_error_when(_not_json_media),
    ),
    _m(
        "array-body-crashes",
        "a JSON body that is not an object gets a 500 (body.get on a list)",
        {"validation.array-body-no-server-error"},
        {"validation.array-body-refused"},
        _server_error_when(_json_not_an_object),
    ),
)

# Must rules no mutant above is expected to kill, each with the reason; `make test` prints this list.
UNDEMONSTRATED: dict[str, str] = {}
