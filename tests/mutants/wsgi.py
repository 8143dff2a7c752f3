"""Small WSGI plumbing for mutants: call the wrapped mock, then change its answer or the request."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment


@dataclass
class Answer:
    """A complete WSGI response held in memory so a mutant can edit it."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def code(self) -> int:
        return int(self.status.split()[0])

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def set_json(self, payload: Any) -> None:
        self.body = json.dumps(payload).encode()
        self.headers = [(name, value) for name, value in self.headers if name.lower() != "content-encoding"]

    def set_status(self, code: int, reason: str = "Mutated") -> None:
        self.status = f"{code} {reason}"

    def drop_header(self, name: str) -> None:
        self.headers = [(key, value) for key, value in self.headers if key.lower() != name.lower()]

    def set_header(self, name: str, value: str) -> None:
        self.drop_header(name)
        self.headers.append((name, value))


def read_body(environ: WSGIEnvironment) -> bytes:
    """Read the request body and put it back, so the wrapped app can still read it."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    replace_body(environ, body)
    return body


def replace_body(environ: WSGIEnvironment, body: bytes) -> None:
    """Give the wrapped app a different request body."""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))


def call(app: WSGIApplication, environ: WSGIEnvironment) -> Answer:
    """Run the wrapped app and capture its whole answer."""
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
        captured["status"], captured["headers"] = status, list(headers)
        return lambda _: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return Answer(captured["status"], captured["headers"], body)


def reply(answer: Answer, start_response: StartResponse) -> Iterable[bytes]:
    """Send an edited answer with a correct Content-Length."""
    answer.set_header("Content-Length", str(len(answer.body)))
    start_response(answer.status, answer.headers)
    return [answer.body]


Rewrite = Callable[[WSGIEnvironment, Answer], None]
Before = Callable[[WSGIEnvironment], Answer | None]


@dataclass
class Wrapper:
    """A mutant: optional request edit or short-circuit (`before`), then an answer edit (`after`)."""

    app: WSGIApplication
    before: Before | None = None
    after: Rewrite | None = None
    state: dict[str, Any] = field(default_factory=dict)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        accepted = str(environ.get("HTTP_ACCEPT_ENCODING", ""))
        environ["HTTP_ACCEPT_ENCODING"] = "identity"  # mutants edit plain JSON bodies
        answer = self.before(environ) if self.before else None
        if answer is None:
            answer = call(self.app, environ)
            if self.after:
                self.after(environ, answer)
        if "gzip" in accepted and len(answer.body) > 1000:
            # Compress again as the wrapped mock would have, so no mutant breaks the gzip rule by accident.
            answer.body = gzip.compress(answer.body)
            answer.set_header("Content-Encoding", "gzip")
        return reply(answer, start_response)
