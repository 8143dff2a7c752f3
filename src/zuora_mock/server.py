"""A threaded HTTP/1.1 server for any WSGI app, with keep-alive, in a daemon thread the caller can stop."""

from __future__ import annotations

import io
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote
from wsgiref.types import WSGIApplication, WSGIEnvironment

from zuora_mock.encoding import MAX_BODY_BYTES

logger = logging.getLogger("zuora_mock.server")
TRANSPORT_ERROR = "zuora_mock.transport_error"
BACKLOG = 2048
# Seconds a connection may sit idle (between requests, or with a request half sent) before it is closed.
IDLE_TIMEOUT = 30.0


class _LimitedReader(io.RawIOBase):
    """The request body stream, stopping at Content-Length so the next keep-alive request stays intact."""

    def __init__(self, stream: io.BufferedIOBase, length: int) -> None:
        super().__init__()
        self._stream, self.remaining = stream, length

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self._stream.read(size) if size > 0 else b""
        self.remaining -= len(data)
        return data


def _read_chunked(stream: io.BufferedIOBase) -> bytes | None:
    # Decode a chunked body up to the cap; None means too large or broken, and the connection must close.
    body = bytearray()
    while True:
        line = stream.readline(1024)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            return None
        if size == 0:
            while stream.readline(1024).strip():
                pass
            return bytes(body)
        if len(body) + size > MAX_BODY_BYTES:
            return None
        body += stream.read(size)
        stream.readline(1024)


class _Handler(BaseHTTPRequestHandler):
    """Turns each HTTP request into a WSGI call; any method name reaches the app, which answers 405 itself."""

    protocol_version = "HTTP/1.1"
    # Buffer each answer and send it in one write (flushed after every request): headers and body used to go
    # out as two packets.
    wbufsize = 1 << 16
    server_version = "zuora-mock"
    sys_version = ""
    server: _Server

    def __getattr__(self, name: str) -> Any:
        # BaseHTTPRequestHandler looks up do_<METHOD>; route every method to the app so none gets a 501.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def setup(self) -> None:
        super().setup()
        # A connection idle this long (between requests, or mid-request) is closed; its thread then ends.
        self.connection.settimeout(self.server.idle_timeout)
        # Headers and body go out in separate writes; without this, Nagle's algorithm adds ~40 ms per answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - " + format, self.address_string(), *args)

    def _environ(self) -> tuple[WSGIEnvironment, _LimitedReader | None]:
        path, _, query = self.path.partition("?")
        environ: WSGIEnvironment = {
            "REQUEST_METHOD": self.command,
            "PATH_INFO": unquote(path, "iso-8859-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if "_" in name:
                continue  # like wsgiref: an underscore header could impersonate a dashed one
            key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ, self._body(environ)

    def _body(self, environ: WSGIEnvironment) -> _LimitedReader | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = _read_chunked(self.rfile)
            if body is None:
                self.close_connection = True
                body, environ["CONTENT_LENGTH"] = b"", str(MAX_BODY_BYTES + 1)
            else:
                environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input"] = io.BytesIO(body)
            return None
        try:
            length = max(0, int(environ.get("CONTENT_LENGTH", "0") or "0"))
        except ValueError:
            length = 0
            self.close_connection = True  # the body's end is unknown, so the connection cannot be reused
        reader = _LimitedReader(self.rfile, length)
        environ["wsgi.input"] = reader
        return reader

    def _serve(self) -> None:
        environ, reader = self._environ()
        self._run(environ, reader)

    def _run(self, environ: WSGIEnvironment, reader: _LimitedReader | None = None) -> None:
        captured: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return lambda data: None

        body = b"".join(self.server.app(environ, start_response))
        status, headers = captured
        if reader is not None and reader.remaining > 0:
            self.close_connection = True  # the app refused an unread body; do not parse it as a request
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The HTTP layer refused the request line or headers: let the app still answer with its envelope.
        self.close_connection = True
        if not hasattr(self, "headers"):
            self.headers = self.MessageClass()
        if not getattr(self, "command", None):
            self.command = "GET"
        self.request_version = self.protocol_version  # answer with a status line even to HTTP/0.9 garbage
        environ: WSGIEnvironment = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.input": io.BytesIO()}
        environ[TRANSPORT_ERROR] = (code, message or "The request could not be parsed.")
        self._run(environ)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog: the default 5 made new connections wait for SYN retries (seconds) as soon as a few
    # dozen clients connected at once; the kernel caps it at net.core.somaxconn.
    request_queue_size = BACKLOG
    app: WSGIApplication
    idle_timeout: float

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up before its answer is written is routine (idle clients, load tools): no traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.debug("client %s went away", client_address)
            return
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class MockServer:
    """A running server: its URL and port, and close() (or a with block) to stop it."""

    def __init__(self, app: WSGIApplication, host: str, port: int, idle_timeout: float = IDLE_TIMEOUT) -> None:
        server_class = _Server6 if ":" in host else _Server
        self._server = server_class((host, port), _Handler)
        self._server.app = app
        self._server.idle_timeout = idle_timeout
        self.port: int = self._server.server_address[1]
        self.host = host
        self.url = f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop accepting, close the listening socket, and wait for the serving thread to end."""
        stopper = threading.Thread(target=self._server.shutdown, daemon=True)
        stopper.start()
        while stopper.is_alive():
            self._wake()
            stopper.join(0.01)
        self._server.server_close()
        self._thread.join()

    def _wake(self) -> None:
        # A connection makes the serving loop's select() return now rather than at its next 0.5 s poll.
        wildcard = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}
        try:
            with socket.create_connection((wildcard.get(self.host, self.host), self.port), timeout=0.2):
                pass
        except OSError:
            pass

    def __enter__(self) -> MockServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def serve(
    app: WSGIApplication, host: str = "127.0.0.1", port: int = 0, idle_timeout: float = IDLE_TIMEOUT
) -> MockServer:
    """Serve app on host:port (0 picks a free port) in a daemon thread; raises OSError if it cannot bind."""
    return MockServer(app, host, port, idle_timeout)
