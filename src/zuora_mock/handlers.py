"""One function per operation: turn a parsed call into a domain action and a JSON document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zuora_mock import billruns, schedules
from zuora_mock.errors import ApiError, Category, JsonObject, success_envelope
from zuora_mock.state import Store


@dataclass(frozen=True)
class Call:
    """What an operation needs: path parameters, the JSON body (if it reads one), and who is calling."""

    params: dict[str, str]
    body: JsonObject
    user_id: str
    request_id: str


Handler = Callable[[Store, Call], JsonObject]


def create_schedule(store: Store, call: Call) -> JsonObject:
    """POST /v1/invoice-schedules; rendered under the lock so a racing execute cannot show half a change."""
    with store.lock:
        return schedules.render(schedules.create(store, call.body))


def get_schedule(store: Store, call: Call) -> JsonObject:
    """GET /v1/invoice-schedules/{scheduleKey}; looking it up settles its items, so progress is visible."""
    with store.lock:
        return schedules.render(store.schedule(call.params["scheduleKey"]))


def delete_schedule(store: Store, call: Call) -> JsonObject:
    """DELETE /v1/invoice-schedules/{scheduleKey}: answers a bare CommonResponse."""
    with store.lock:
        schedules.delete(store, store.schedule(call.params["scheduleKey"]))
    return success_envelope(call.request_id)


def pause_schedule(store: Store, call: Call) -> JsonObject:
    """PUT /v1/invoice-schedules/{scheduleKey}/pause (any body is ignored)."""
    with store.lock:
        schedule = store.schedule(call.params["scheduleKey"])
        schedules.pause(schedule)
        return schedules.render(schedule)


def resume_schedule(store: Store, call: Call) -> JsonObject:
    """PUT /v1/invoice-schedules/{scheduleKey}/resume (any body is ignored)."""
    with store.lock:
        schedule = store.schedule(call.params["scheduleKey"])
        schedules.resume(schedule)
        return schedules.render(schedule)


def _schedule_item_id(body: JsonObject) -> str | None:
    # null means absent; the documented field is a string, so anything else is an invalid value.
    value = body.get("scheduleItemId")
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ApiError(Category.INVALID_VALUE, "scheduleItemId must be a non-empty string.")
    return value


def execute_schedule(store: Store, call: Call) -> JsonObject:
    """POST /v1/invoice-schedules/{scheduleKey}/execute; unknown body fields are ignored."""
    item_id = _schedule_item_id(call.body)
    # Render under the same lock hold, so the answer shows the run as created (Pending), never a later state.
    with store.lock:
        run = billruns.execute(store, call.params["scheduleKey"], item_id, call.user_id)
        return billruns.render(run, store.config.processing_delay)


def get_bill_run(store: Store, call: Call) -> JsonObject:
    """GET /v1/bill-runs/{billRunId}, its status as of now."""
    run = store.bill_run(call.params["billRunId"])
    return billruns.render(run, store.config.processing_delay, store.now())


HANDLERS: dict[str, Handler] = {
    "create_schedule": create_schedule,
    "get_schedule": get_schedule,
    "delete_schedule": delete_schedule,
    "pause_schedule": pause_schedule,
    "resume_schedule": resume_schedule,
    "execute_schedule": execute_schedule,
    "get_bill_run": get_bill_run,
}
