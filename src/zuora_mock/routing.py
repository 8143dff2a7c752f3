"""The route table: which method and path template reach which operation, and 404/405 for the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zuora_mock.errors import ApiError, Category


@dataclass(frozen=True)
class Route:
    """One operation: its method, path template, and whether it reads a JSON body."""

    method: str
    template: str
    operation: str
    reads_body: bool = False

    @property
    def pattern(self) -> re.Pattern[str]:
        """The template as a regular expression; a {name} matches one non-empty path segment."""
        return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template) + "$")


ROUTES = (
    Route("POST", "/oauth/token", "create_token", reads_body=True),
    Route("POST", "/v1/invoice-schedules", "create_schedule", reads_body=True),
    Route("GET", "/v1/invoice-schedules/{scheduleKey}", "get_schedule"),
    Route("DELETE", "/v1/invoice-schedules/{scheduleKey}", "delete_schedule"),
    Route("PUT", "/v1/invoice-schedules/{scheduleKey}/pause", "pause_schedule"),
    Route("PUT", "/v1/invoice-schedules/{scheduleKey}/resume", "resume_schedule"),
    Route("POST", "/v1/invoice-schedules/{scheduleKey}/execute", "execute_schedule", reads_body=True),
    Route("GET", "/v1/bill-runs/{billRunId}", "get_bill_run"),
)
_COMPILED = tuple((route, route.pattern) for route in ROUTES)


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """Return the route and path parameters, or raise the gateway's 404 (path) or 405 (method)."""
    allowed: list[str] = []
    for route, pattern in _COMPILED:
        found = pattern.match(path)
        if found is None:
            continue
        if route.method == method:
            return route, found.groupdict()
        allowed.append(route.method)
    if not allowed:
        raise ApiError(Category.NOT_FOUND, f"No operation exists at {path}.", status=404)
    raise ApiError(
        Category.UNSUPPORTED,
        f"{method} is not supported on {path}.",
        status=405,
        headers=[("Allow", ", ".join(sorted(set(allowed))))],
    )
