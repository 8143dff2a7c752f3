"""The request and reply values the pipeline passes between its steps, free of WSGI details."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import IO, cast
from wsgiref.types import WSGIEnvironment

JsonObject = dict[str, object]
JSON_TYPE = "application/json; charset=utf-8"


def _headers(environ: WSGIEnvironment) -> dict[str, str]:
    # WSGI spells most headers HTTP_X_Y; the two body headers come without the prefix.
    found = {key[5:].replace("_", "-").lower(): str(value) for key, value in environ.items() if key.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            found[key.replace("_", "-").lower()] = str(environ[key])
    return found


@dataclass
class Request:
    """One HTTP request as the mock sees it: header names lower-cased, the body still unread."""

    method: str
    path: str
    headers: dict[str, str]
    environ: WSGIEnvironment = field(repr=False)

    @classmethod
    def from_environ(cls, environ: WSGIEnvironment) -> Request:
        """Build the request view of a WSGI environ, so later steps never touch the environ's spelling."""
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        return cls(method, str(environ.get("PATH_INFO", "") or "/"), _headers(environ), environ)

    def header(self, name: str) -> str | None:
        """Return a header's value by case-insensitive name, as HTTP header names are."""
        return self.headers.get(name.lower())

    @property
    def stream(self) -> IO[bytes]:
        """The body stream, read at most once by the step that needs the body."""
        return cast("IO[bytes]", self.environ["wsgi.input"])


@dataclass
class Reply:
    """One HTTP answer before the common headers are added: status, headers of its own, and body."""

    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        """Return the value of a header the reply carries, or None."""
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def json_reply(status: int, document: object, headers: list[tuple[str, str]] | None = None) -> Reply:
    """Encode a JSON document as a reply; UTF-8 without escapes, as the charset says."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Reply(status, body, list(headers or []))
