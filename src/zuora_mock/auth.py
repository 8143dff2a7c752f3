"""OAuth 2.0 client-credentials tokens: issuing them at /oauth/token and checking bearer tokens on /v1."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from zuora_mock.config import MockConfig
from zuora_mock.errors import ApiError, Category, JsonObject, unauthenticated

# The user the demo client acts as; it shows up as createdById/updatedById on bill runs.
DEMO_USER_ID = "2c92c0f8demo0000a0000000000000aa"
DEMO_ENTITY_ID = "7f6a8c2e-1b3d-4e5f-8a9b-0c1d2e3f4a5b"
DEMO_TENANT = "9999"


@dataclass(frozen=True)
class Client:
    """Who a valid token belongs to; idempotency keys and audit fields are scoped by it."""

    client_id: str
    user_id: str


@dataclass(frozen=True)
class _Token:
    client: Client
    expires_at: float


def _form(body: bytes) -> dict[str, str]:
    # Repeated fields keep their first value; undecodable bytes cannot spell a valid credential anyway.
    fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


class TokenStore:
    """Issues random bearer tokens for the one demo client and forgets them after token_ttl seconds."""

    def __init__(self, config: MockConfig) -> None:
        self._config = config
        self._tokens: dict[str, _Token] = {}
        self._lock = threading.Lock()

    def issue(self, body: bytes) -> JsonObject:
        """Answer a form-encoded token request; any Authorization header was already ignored by the caller."""
        form = _form(body)
        for name in ("client_id", "client_secret", "grant_type"):
            if not form.get(name):
                raise ApiError(Category.MISSING_FIELD, f"{name} is required.", status=400, code="90000022")
        if form["grant_type"] != "client_credentials":
            raise ApiError(
                Category.INVALID_VALUE, "grant_type must be client_credentials.", status=400, code="90000020"
            )
        valid = secrets.compare_digest(form["client_id"], self._config.client_id) and secrets.compare_digest(
            form["client_secret"], self._config.client_secret
        )
        if not valid:
            raise ApiError(Category.AUTHENTICATION, "Authentication error", status=401, code="90000011")
        token = secrets.token_hex(16)
        now = time.monotonic()
        with self._lock:
            self._tokens = {key: t for key, t in self._tokens.items() if t.expires_at > now}
            self._tokens[token] = _Token(Client(form["client_id"], DEMO_USER_ID), now + self._config.token_ttl)
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self._config.token_ttl,
            "scope": f"user.{DEMO_USER_ID} entity.{DEMO_ENTITY_ID} tenant.{DEMO_TENANT}",
            "jti": secrets.token_hex(16),
        }

    def authenticate(self, authorization: str | None) -> Client:
        """Return the client behind a valid 'Bearer <token>' header, or raise the gateway's 401."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthenticated()
        with self._lock:
            found = self._tokens.get(token.strip())
        if found is None or found.expires_at <= time.monotonic():
            raise unauthenticated()
        return found.client
