"""The request and reply values the pipeline passes between its steps, free of WSGI details."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import IO, cast
from wsgiref.types import WSGIEnvironment

JsonObject = dict[str, object]
JSON_TYPE = "application/json; charset=utf-8"


# WSGI spells most headers HTTP_X_Y; the two body headers come without the prefix.
_UNPREFIXED = frozenset({"content-type", "content-length"})
# Header name -> environ key, memoised for the handful of names the mock ever asks for.
_ENVIRON_KEYS: dict[str, str] = {}
# One encoder for every reply: json.dumps with options builds a new encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _environ_key(name: str) -> str:
    key = _ENVIRON_KEYS.get(name)
    if key is None:
        key = name.upper().replace("-", "_")
        key = _ENVIRON_KEYS[name] = key if name in _UNPREFIXED else f"HTTP_{key}"
    return key


@dataclass(slots=True)
class Request:
    """One HTTP request as the mock sees it: method, path, headers by name, the body still unread."""

    method: str
    path: str
    environ: WSGIEnvironment = field(repr=False)

    @classmethod
    def from_environ(cls, environ: WSGIEnvironment) -> Request:
        """Build the request view of a WSGI environ, so later steps never touch the environ's spelling."""
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        return cls(method, str(environ.get("PATH_INFO", "") or "/"), environ)

    def header(self, name: str) -> str | None:
        """Return a header's value by case-insensitive name; looked up on demand, as most are never asked for."""
        value = self.environ.get(_environ_key(name.lower()))
        if value is None or (not value and name.lower() in _UNPREFIXED):
            return None  # an empty CONTENT_TYPE or CONTENT_LENGTH is how WSGI says the header was absent
        return str(value)

    @property
    def stream(self) -> IO[bytes]:
        """The body stream, read at most once by the step that needs the body."""
        return cast("IO[bytes]", self.environ["wsgi.input"])


@dataclass(slots=True)
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
    body = _ENCODER.encode(document).encode("utf-8")
    return Reply(status, body, list(headers or []))
