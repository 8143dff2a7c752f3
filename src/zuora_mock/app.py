"""The WSGI application: a pipeline of small named steps from raw request to finished reply."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from zuora_mock import payloads, routing, versions
from zuora_mock.auth import Client, TokenStore
from zuora_mock.config import MockConfig
from zuora_mock.encoding import decode_body, encode_body
from zuora_mock.errors import SYSTEM_ERROR, ApiError, Category, envelope
from zuora_mock.faults import FaultInjector
from zuora_mock.handlers import HANDLERS, Call
from zuora_mock.idempotency import IdempotencyStore, idempotency_key
from zuora_mock.limits import ConcurrencyGate, RateWindow
from zuora_mock.messages import JSON_TYPE, Reply, Request, json_reply
from zuora_mock.routing import Route
from zuora_mock.state import Store
from zuora_mock.tracing import new_request_id, track_id

logger = logging.getLogger("zuora_mock")
# A pipeline step with nothing left to decide: it returns the reply or raises.
_Step = Callable[[], Reply]
# The server puts (status, message) here when the HTTP layer itself refused the request.
TRANSPORT_ERROR = "zuora_mock.transport_error"


@dataclass(slots=True)
class Exchange:
    """One request in flight through the pipeline, with what earlier steps learned about it."""

    request: Request
    request_id: str
    modern: bool
    track_id: str | None = None
    # Concurrency-Limit-* as seen while this request held its slot.
    concurrency: list[tuple[str, str]] | None = None

    @property
    def is_v1(self) -> bool:
        """True for the REST API proper, where auth, concurrency and version rules apply."""
        return self.request.path.startswith("/v1/")


class MockApp:
    """A stateful WSGI callable: one instance is one Zuora tenant with its own store, tokens and keys."""

    def __init__(self, config: MockConfig) -> None:
        self.config = config
        self.store = Store(config)
        self.tokens = TokenStore(config)
        self.idempotency = IdempotencyStore(config.idempotency_ttl)
        self.gate = ConcurrencyGate(config.concurrency_limit)
        self.rate = RateWindow()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request; every answer, even a crash, is JSON with the common headers."""
        request = Request.from_environ(environ)
        version = versions.resolve(request.header("zuora-version"), self.config.tenant_version)
        exchange = Exchange(request, new_request_id(), versions.is_modern(version))
        reply = self._finish(exchange, self._guarded(exchange, lambda: self._route(exchange)))
        if self.store.weight + len(self.idempotency) > self.config.max_objects:
            self._evict()
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", reply.headers)
        return [reply.body]

    def _evict(self) -> None:
        # Oldest first across bill runs, schedules and idempotency keys; unfinished objects are never evicted.
        now = self.store.now()
        while self.store.weight + len(self.idempotency) > self.config.max_objects:
            records, keys = self.store.oldest_finished(), self.idempotency.oldest_finished()
            if keys is not None and keys <= now and (records is None or keys <= records):
                self.idempotency.evict_oldest()
            elif records is not None and records <= now:
                self.store.evict_oldest(now)
            else:
                return

    def _guarded(self, exchange: Exchange, step: _Step) -> Reply:
        # Client mistakes become envelopes; only a bug in the mock becomes a 500.
        try:
            return step()
        except ApiError as error:
            return self._error_reply(exchange, error)
        except Exception:
            logger.exception("internal error on %s %s", exchange.request.method, exchange.request.path)
            return json_reply(500, SYSTEM_ERROR)

    def _route(self, exchange: Exchange) -> Reply:
        request = exchange.request
        if refused := request.environ.get(TRANSPORT_ERROR):
            status, message = refused
            category = Category.INVALID_VALUE if status in (413, 414, 431) else Category.MALFORMED
            raise ApiError(category, str(message), status=int(status))
        exchange.track_id = track_id(request)
        if exchange.is_v1:
            self.gate.enter()
            try:
                exchange.concurrency = self.gate.headers()
                client = self.tokens.authenticate(request.header("authorization"))
                route, params = routing.match(request.method, request.path)
                return self._idempotent(exchange, client, route, params)
            finally:
                self.gate.leave()
        routing.match(request.method, request.path)
        return self._token(exchange)

    def _token(self, exchange: Exchange) -> Reply:
        # /oauth/token ignores Authorization: zuora-sdk sends its old bearer token when it refreshes.
        body = decode_body(exchange.request.header("content-encoding"), payloads.read_body(exchange.request))
        try:
            return json_reply(200, self.tokens.issue(body))
        except ApiError as error:
            if error.status == 401:
                return json_reply(401, {"message": error.message})
            raise

    def _idempotent(self, exchange: Exchange, client: Client, route: Route, params: dict[str, str]) -> Reply:
        request = exchange.request
        if request.method != "POST":
            # Zuora defines keys for POST only; elsewhere a key is ignored unless it clashes with a stored one.
            if (other := request.header("idempotency-key")) is not None:
                self.idempotency.lookup_only(client.client_id, other, request.method, request.path)
            return self._operate(exchange, client, route, params)
        key = idempotency_key(request)
        if key is None:
            return self._operate(exchange, client, route, params)
        stored = self.idempotency.begin(client.client_id, key, request.method, request.path)
        if stored is not None:
            return stored
        reply = self._operate(exchange, client, route, params)
        self.idempotency.finish(client.client_id, key, reply)
        return reply

    def _operate(self, exchange: Exchange, client: Client, route: Route, params: dict[str, str]) -> Reply:
        def run() -> Reply:
            body = payloads.json_object(exchange.request) if route.reads_body else {}
            call = Call(params, body, client.user_id, exchange.request_id)
            return json_reply(200, HANDLERS[route.operation](self.store, call))

        # Guarded here too, so an idempotency key always ends with a stored (or released) reply.
        return self._guarded(exchange, run)

    def _error_reply(self, exchange: Exchange, error: ApiError) -> Reply:
        status = error.status or versions.error_status(error.category, exchange.modern)
        headers = list(error.headers)
        if status == 429 and not any(name == "Retry-After" for name, _ in headers):
            headers.append(("Retry-After", "1"))
        return json_reply(status, envelope(error, exchange.request_id), headers)

    def _finish(self, exchange: Exchange, reply: Reply) -> Reply:
        headers = [("Content-Type", JSON_TYPE), ("Zuora-Request-Id", exchange.request_id)]
        if exchange.track_id is not None:
            headers.append(("Zuora-Track-Id", exchange.track_id))
        headers += self.rate.headers()
        if exchange.is_v1 and reply.status in (200, 429):
            headers += exchange.concurrency or self.gate.headers()
        headers += [(name, value) for name, value in reply.headers if name.lower() not in _OWNED]
        body, coding = encode_body(exchange.request.header("accept-encoding"), reply.body)
        headers += [*coding, ("Content-Length", str(len(body)))]
        return Reply(reply.status, body, headers)


_OWNED = frozenset({"content-type", "content-length", "content-encoding", "vary", "zuora-request-id", "zuora-track-id"})


def create_app(config: MockConfig | None = None) -> WSGIApplication:
    """Return a fresh mock tenant as a plain WSGI callable; all its state lives inside it."""
    config = config or MockConfig()
    app = MockApp(config)
    if config.fault_rate or config.latency_ms:
        return FaultInjector(app, config.fault_rate, config.fault_statuses, config.fault_seed, config.latency_ms)
    return app
