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


# The busiest operations first: templates never overlap, so matching stops at the first that fits.
ROUTES = (
    Route("POST", "/v1/invoice-schedules/{scheduleKey}/execute", "execute_schedule", reads_body=True),
    Route("GET", "/v1/invoice-schedules/{scheduleKey}", "get_schedule"),
    Route("DELETE", "/v1/invoice-schedules/{scheduleKey}", "delete_schedule"),
    Route("GET", "/v1/bill-runs/{billRunId}", "get_bill_run"),
    Route("POST", "/v1/invoice-schedules", "create_schedule", reads_body=True),
    Route("POST", "/oauth/token", "create_token", reads_body=True),
    Route("PUT", "/v1/invoice-schedules/{scheduleKey}/pause", "pause_schedule"),
    Route("PUT", "/v1/invoice-schedules/{scheduleKey}/resume", "resume_schedule"),
)


def _by_template() -> tuple[tuple[re.Pattern[str], dict[str, Route]], ...]:
    # One pattern per path template, with the routes of each method at it.
    table: dict[str, tuple[re.Pattern[str], dict[str, Route]]] = {}
    for route in ROUTES:
        table.setdefault(route.template, (route.pattern, {}))[1][route.method] = route
    return tuple(table.values())


_TEMPLATES = _by_template()


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """Return the route and path parameters, or raise the gateway's 404 (path) or 405 (method)."""
    for pattern, methods in _TEMPLATES:
        found = pattern.match(path)
        if found is None:
            continue
        route = methods.get(method)
        if route is None:
            raise ApiError(
                Category.UNSUPPORTED,
                f"{method} is not supported on {path}.",
                status=405,
                headers=[("Allow", ", ".join(sorted(methods)))],
            )
        return route, found.groupdict()
    raise ApiError(Category.NOT_FOUND, f"No operation exists at {path}.", status=404)
