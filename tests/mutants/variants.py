"""Correct variants of the reference mock: each makes another choice where Zuora is silent or its sources disagree.

A variant is the mutants' mirror image: the suite must *pass* it (verdict `conformant`; `error` is also
accepted where the variant is slower than the run's wait bound). Each one names the section of the
research notes on Zuora's sources (zuora-execute-spec.md, §N.N) that allows its choice, so a failure
reads as "the suite asserts something the sources do not".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from tests.mutants.wsgi import Answer, Wrapper, call, read_body, replace_body, reply

from zuora_mock.config import MockConfig
from zuora_mock.encoding import encode_body

EXECUTE = re.compile(r"^/v1/invoice-schedules/([^/]+)/execute$")
BILL_RUN = re.compile(r"^/v1/bill-runs/[^/]+$")
# The two version conventions of DEV-UPGRADES (§2.2): HTTP 200 + success:false before 2024-05-20, the
# category's status from it on.
LEGACY, MODERN = "186.0", "2025-01-01"
BOTH = (LEGACY, MODERN)
# Quick processing keeps each run short (as the mutant harness does); the slow variant overrides it.
FAST = MockConfig(processing_delay=0.05)
# Zuora-Track-Id as the mock validates it (§1.4: at most 64 printable US-ASCII, none of : ; " ').
TRACK_ID_MAX = 64
_PRINTABLE = re.compile(r"^[\x20-\x7e]*$")
# A body the mock refuses before touching any schedule (category 20: scheduleItemId is not a string),
# so a variant can let the mock do auth, track id, idempotency and the version's status, then re-label it.
POISON = b'{"scheduleItemId": 1}'


@dataclass(frozen=True)
class Variant:
    """A correct alternative: what it chooses differently, which source allows it, how to build it."""

    name: str
    choice: str
    allowed_by: str
    wrap: Callable[[WSGIApplication], WSGIApplication]
    versions: tuple[str, ...] = BOTH
    verdicts: frozenset[str] = frozenset({"conformant"})
    config: MockConfig = field(default=FAST)
    # False where nothing is rewritten per request (the reference itself, a slower configuration).
    rewrites: bool = True

    def build(self, app: WSGIApplication) -> Served:
        """The variant around `app`, compressing answers as the mock does (the Wrapper edits plain JSON)."""
        return Served(self.wrap(app))


class Served:
    """The outermost layer: counts the requests where the variant made its choice, and compresses answers.

    §1.8: gzip answers over 1000 bytes when Accept-Encoding allows it, after the variant edited the plain body.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.choices_made = 0

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        accept_encoding = environ.get("HTTP_ACCEPT_ENCODING")
        answer = call(self.app, environ)
        self.choices_made += bool(environ.get(HIT))
        if not any(name.lower() == "content-encoding" for name, _ in answer.headers):
            answer.body, coding = encode_body(accept_encoding, answer.body)
            for name, value in coding:
                answer.set_header(name, value)
        return reply(answer, start_response)


HIT = "variant.choice-made"


def _hit(environ: WSGIEnvironment) -> None:
    """Note that this request met the variant's choice, so a run that never triggers it cannot pass unseen."""
    environ[HIT] = True


def _path(environ: WSGIEnvironment) -> str:
    return str(environ.get("PATH_INFO", ""))


def _method(environ: WSGIEnvironment) -> str:
    return str(environ.get("REQUEST_METHOD", ""))


def _executes(environ: WSGIEnvironment) -> bool:
    return _method(environ) == "POST" and bool(EXECUTE.match(_path(environ)))


def _reads_bill_run(environ: WSGIEnvironment) -> bool:
    return _method(environ) == "GET" and bool(BILL_RUN.match(_path(environ)))


def _bill_run_answer(environ: WSGIEnvironment, answer: Answer) -> dict[str, Any] | None:
    """The bill-run body of a successful execute or bill-run retrieval, else None."""
    body = answer.json()
    if not (_executes(environ) or _reads_bill_run(environ)) or answer.code != 200:
        return None
    if not isinstance(body, dict) or body.get("success") is False:
        return None
    return body


def _valid_track_id(value: str) -> bool:
    return len(value) <= TRACK_ID_MAX and bool(_PRINTABLE.match(value)) and not set(":;\"'") & set(value)


def _category(answer: Answer) -> str | None:
    body = answer.json()
    reasons = body.get("reasons") if isinstance(body, dict) else None
    if not isinstance(reasons, list) or not reasons or not isinstance(reasons[0], dict):
        return None
    code = str(reasons[0].get("code", ""))
    return code[-2:] if re.fullmatch(r"\d{8}", code) else None


def _relabel(answer: Answer, code: str, message: str, modern_status: int) -> None:
    """Give a refusal another code and message; the status follows the version the mock applied."""
    body = answer.json()
    body["reasons"] = [{"code": code, "message": message}]
    answer.set_json(body)
    if answer.code != 200:  # the mock answered under a version from 2024-05-20: the category's status
        answer.set_status(modern_status, "Variant")


# --- Zuora-Track-Id: an over-long or ill-formed value (spec §3: "UNKNOWN ... reject vs ignore") ---


def _accept_any_track_id(echo: bool) -> Callable[[WSGIApplication], WSGIApplication]:
    def before(environ: WSGIEnvironment) -> Answer | None:
        value = environ.get("HTTP_ZUORA_TRACK_ID")
        if value is not None and not _valid_track_id(value):
            environ.pop("HTTP_ZUORA_TRACK_ID")
            _hit(environ)
            environ["variant.track_id"] = value
        return None

    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        if echo and "variant.track_id" in environ:
            answer.set_header("Zuora-Track-Id", environ["variant.track_id"])

    return lambda app: Wrapper(app, before=before, after=after)


# --- Idempotency-Key over 255 characters (spec §3, §1.4: maxLength 255; a longer key's answer is undocumented) ---


def _long_idempotency_key(honour: bool) -> Callable[[WSGIApplication], WSGIApplication]:
    def before(environ: WSGIEnvironment) -> Answer | None:
        key = environ.get("HTTP_IDEMPOTENCY_KEY")
        if key is not None and len(key) > 255:
            _hit(environ)
            if honour:  # the same long key maps to the same stored answer
                environ["HTTP_IDEMPOTENCY_KEY"] = "long:" + hashlib.sha256(key.encode("latin-1")).hexdigest()
            else:
                environ.pop("HTTP_IDEMPOTENCY_KEY")
        return None

    return lambda app: Wrapper(app, before=before)


# --- Undocumented methods: a bare gateway 405 (spec §1.6 and §4.1 document statuses only for the declared methods) ---


def _bare_405(environ: WSGIEnvironment, answer: Answer) -> None:
    if answer.code != 405:
        return
    answer.body = b""
    _hit(environ)
    for name in ("Content-Type", "Zuora-Track-Id", "Concurrency-Limit-Type", "Concurrency-Limit-Limit"):
        answer.drop_header(name)
    answer.drop_header("Concurrency-Limit-Remaining")


# --- Bill-run shape: the API reference's example and the schema instead of the KC samples (spec §1.7, §8.6) ---

UNDECLARED_FILTER_KEYS = ("invoiceScheduleId", "invoiceScheduleItemId")


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _reference_example_shape(drop_success: bool) -> Callable[[WSGIEnvironment, Answer], None]:
    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        body = _bill_run_answer(environ, answer)
        if body is None:
            return
        body = _without_nulls(body)
        body.pop("schedule", None)
        if drop_success:
            body.pop("success", None)
        for entry in body.get("billRunFilters") or []:
            for key in UNDECLARED_FILTER_KEYS:
                entry.pop(key, None)
        answer.set_json(body)
        _hit(environ)

    return after


def _schema_only_everywhere(environ: WSGIEnvironment, answer: Answer) -> None:
    """Bill runs as the schema declares them, and no nulls and no `success` in schedule answers either."""
    _reference_example_shape(drop_success=True)(environ, answer)
    body = answer.json()
    schedule_answer = _path(environ).startswith("/v1/invoice-schedules") and _method(environ) != "DELETE"
    refused = not isinstance(body, dict) or body.get("success") is False
    if schedule_answer and not _executes(environ) and answer.code == 200 and not refused:
        body = _without_nulls(body)
        body.pop("success", None)
        answer.set_json(body)


# --- createdDate/updatedDate as RFC 3339 (spec §8.8: samples YYYY-MM-DD HH:mm:ss, the 2023 spec says date-time) ---


def _rfc3339_dates(environ: WSGIEnvironment, answer: Answer) -> None:
    body = _bill_run_answer(environ, answer)
    if body is None:
        return
    for key in ("createdDate", "updatedDate"):
        if isinstance(body.get(key), str):
            body[key] = body[key].replace(" ", "T") + "Z"
    answer.set_json(body)
    _hit(environ)


# --- A nonsense Accept header refused with 406, category 45 (spec §1.9 and §2.2: 45 -> 405/406/415) ---

_MEDIA_RANGE = re.compile(r"^[\w.+*!#$&^`|~-]+/[\w.+*!#$&^`|~-]+$")


def _nonsense_accept(value: str) -> bool:
    ranges = [part.split(";", 1)[0].strip() for part in value.split(",")]
    return any(not _MEDIA_RANGE.match(media) for media in ranges if media)


def _refuse_nonsense_accept(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        if _executes(environ) and _nonsense_accept(str(environ.get("HTTP_ACCEPT", ""))):
            read_body(environ)
            replace_body(environ, POISON)  # refused by the mock before any schedule is touched
            environ["CONTENT_TYPE"] = "application/json"
            environ.pop("HTTP_CONTENT_ENCODING", None)
            environ["variant.406"] = True
        return None

    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        if environ.get("variant.406") and answer.code in (200, 400) and _category(answer) == "20":
            accept = environ.get("HTTP_ACCEPT", "")
            _relabel(answer, "50000045", f"None of the media types in Accept ({accept!r}) can be produced.", 406)
            _hit(environ)

    return Wrapper(app, before=before, after=after)


# --- Unknown body fields refused with category 21 (spec §1.5: "UNKNOWN: whether unknown body fields are rejected") ---


def _refuse_unknown_fields(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        if not _executes(environ):
            return None
        try:
            body = json.loads(read_body(environ) or b"{}")
        except ValueError:
            return None
        unknown = sorted(set(body) - {"scheduleItemId"}) if isinstance(body, dict) else []
        if unknown:
            replace_body(environ, POISON)
            environ["variant.unknown"] = unknown
        return None

    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        unknown = environ.get("variant.unknown")
        if unknown and answer.code in (200, 400) and _category(answer) == "20":
            _relabel(answer, "50000021", f"Unknown field(s) in the request: {', '.join(unknown)}.", 400)
            _hit(environ)

    return Wrapper(app, before=before, after=after)


# --- Other error categories where Zuora documents none (spec §8.1, §4.6: paused, processed, unknown key: UNKNOWN) ---

SWAPPED = {"30": "40", "40": "30"}


def _swap_undocumented_categories(environ: WSGIEnvironment, answer: Answer) -> None:
    """Rule restriction and not-found swap places on execute; another resource code too (§8.2)."""
    category = _category(answer)
    if not _executes(environ) or category not in SWAPPED or answer.code not in (200, 400, 404):
        return
    new = SWAPPED[category]
    message = answer.json()["reasons"][0].get("message", "")
    _relabel(answer, f"617001{new}", str(message), 404 if new == "40" else 400)
    _hit(environ)


# --- The 401 body as zuora-sdk documents it (spec §2.4, §8.3: CommonResponse vs {message}) ---


def _sdk_401_body(environ: WSGIEnvironment, answer: Answer) -> None:
    if answer.code == 401 and _path(environ).startswith("/v1/"):
        answer.set_json({"message": "Authentication error"})
        _hit(environ)


# --- An empty HTTP body read as {} (spec §8.11: "whether an empty HTTP body (vs {}) is accepted — UNKNOWN") ---


def _empty_body_as_object(app: WSGIApplication) -> WSGIApplication:
    def before(environ: WSGIEnvironment) -> Answer | None:
        if _executes(environ) and not read_body(environ).strip():
            replace_body(environ, b"{}")
            _hit(environ)
        return None

    return Wrapper(app, before=before)


def _identity(app: WSGIApplication) -> WSGIApplication:
    return Wrapper(app)


VARIANTS: tuple[Variant, ...] = (
    Variant(
        "reference",
        "the reference mock itself, through the same plumbing, under the whole suite (fuzz included)",
        "every choice in src/zuora_mock/README.md",
        _identity,
        rewrites=False,
    ),
    Variant(
        "echo-any-track-id",
        "accepts any Zuora-Track-Id (over 64 characters, forbidden characters) and echoes it verbatim",
        "§3 Zuora-Track-Id: UNKNOWN what Zuora does with an over-long or illegal-character track id",
        _accept_any_track_id(echo=True),
    ),
    Variant(
        "ignore-invalid-track-id",
        "accepts an invalid Zuora-Track-Id, executes, and does not echo it",
        "§3 Zuora-Track-Id: UNKNOWN (reject vs ignore)",
        _accept_any_track_id(echo=False),
    ),
    Variant(
        "bare-405",
        "undocumented methods (QUERY, PATCH, HEAD ...) get a bare 405: Allow, no body, no Zuora-Track-Id",
        "§1.6/§4.1: statuses, bodies and headers are documented only for the declared methods",
        lambda app: Wrapper(app, after=_bare_405),
    ),
    Variant(
        "reference-example-shape",
        "bill runs omit null fields, `schedule` and the filter's invoiceScheduleId/invoiceScheduleItemId",
        "§1.7 API-reference example and schema (no required list); §8.6 CONFLICT spec vs KC samples",
        lambda app: Wrapper(app, after=_reference_example_shape(drop_success=False)),
        versions=(MODERN,),
    ),
    Variant(
        "schema-only-shape",
        "as reference-example-shape, and no top-level `success` on bill runs and schedules, no nulls anywhere",
        "§1.7/§4.2: `success` is not in the 200 schemas; §1.9; §8.6",
        lambda app: Wrapper(app, after=_schema_only_everywhere),
        versions=(MODERN,),
    ),
    Variant(
        "rfc3339-dates",
        "createdDate/updatedDate as RFC 3339, e.g. 2024-05-01T10:00:00Z",
        "§8.8 and §1.7: samples use YYYY-MM-DD HH:mm:ss, OAS-2023 declares format date-time",
        lambda app: Wrapper(app, after=_rfc3339_dates),
        versions=(MODERN,),
    ),
    Variant(
        "accept-406",
        "execute with a nonsense Accept header is refused: 406 (200 + success:false before 2024-05-20), category 45",
        "§1.9 (the words in Accept are an upstream bug) and §2.2 (category 45 -> 405/406/415)",
        _refuse_nonsense_accept,
    ),
    Variant(
        "slow-bill-runs",
        "bill runs take 5 s to complete, longer than the run's 1.5 s wait",
        "§1.1 and §5: document generation is asynchronous; no processing time is documented",
        lambda app: app,
        versions=(MODERN,),
        verdicts=frozenset({"conformant", "error"}),
        config=MockConfig(processing_delay=5.0),
        rewrites=False,
    ),
    Variant(
        "other-error-categories",
        "execute refusals swap categories 30 and 40 (paused -> 40, unknown key -> 30) with resource code 617001",
        "§8.1 and §4.6: codes for paused, processed, other-schedule and unknown keys are UNKNOWN; §8.2",
        lambda app: Wrapper(app, after=_swap_undocumented_categories),
    ),
    Variant(
        "long-idempotency-key-honoured",
        "an Idempotency-Key over 255 characters is accepted and replays like any other key",
        "§3 Idempotency-Key and §1.4: maxLength 255 is documented, the answer to a longer key is not",
        _long_idempotency_key(honour=True),
        versions=(MODERN,),
    ),
    Variant(
        "long-idempotency-key-ignored",
        "an Idempotency-Key over 255 characters is accepted and ignored",
        "§3 Idempotency-Key and §1.4: maxLength 255 is documented, the answer to a longer key is not",
        _long_idempotency_key(honour=False),
        versions=(MODERN,),
    ),
    Variant(
        "sdk-401-body",
        'a bad bearer token gets 401 with {"message": "Authentication error"} (zuora-sdk\'s shape)',
        "§2.4 and §8.3: CONFLICT CommonResponse vs ProxyUnauthorizedResponse {message}",
        lambda app: Wrapper(app, after=_sdk_401_body),
        versions=(LEGACY,),  # the 401 is the gateway's under every version; auth.* send both themselves
    ),
    Variant(
        "empty-body-as-object",
        "execute with no HTTP body is read as {} and executes",
        "§1.5 and §8.11: whether an empty HTTP body (vs {}) is accepted is UNKNOWN",
        _empty_body_as_object,
        versions=(MODERN,),
    ),
    Variant(
        "unknown-fields-refused",
        "execute refuses body fields other than scheduleItemId with category 21",
        "§1.5: UNKNOWN whether unknown body fields are rejected (category 21 exists)",
        _refuse_unknown_fields,
    ),
)
