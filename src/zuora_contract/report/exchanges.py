"""The last exchanges with the target, so a failure says what was sent, what came back, and how to resend it."""

from __future__ import annotations

import shlex
from collections import deque

import httpx

# Headers a reproduction leaves out: credentials are the user's own, the rest httpx sets itself.
_DROPPED = frozenset({"authorization", "host", "content-length", "accept-encoding", "connection", "user-agent"})
_SHOWN = 300


def _text(content: bytes) -> str:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        # A compressed or binary body: its bytes mean nothing in a report and break XML.
        return f"<{len(content)} bytes, not UTF-8 text (starts {content[:8].hex()})>"
    text = "".join(char if char.isprintable() or char in "\n\t" else f"\\x{ord(char):02x}" for char in text)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + f"… ({len(text)} characters)"


def curl(request: httpx.Request) -> str:
    """A curl command for the request; the bearer token is left to the user's environment."""
    parts = ["curl", "-sS", "-X", request.method, str(request.url)]
    parts += ["-H", "Authorization: Bearer $ZUORA_TOKEN"]
    for name, value in request.headers.items():
        if name.lower() not in _DROPPED:
            parts += ["-H", f"{name}: {value}"]
    if request.content:
        parts += ["--data-raw", _text(request.content)]
    return " ".join(shlex.quote(part) for part in parts)


class ExchangeLog:
    """An httpx response hook that keeps the most recent exchanges of the current test."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self.entries: deque[httpx.Response] = deque(maxlen=16)
        self.secrets = secrets
        # Every request the client made, token requests included: what a rate-limited tenant counts.
        self.count = 0
        # Each 429 the target answered (never provoked on purpose), and whether it said when to retry.
        self.rate_limited: list[tuple[str, bool]] = []

    def record(self, response: httpx.Response) -> None:
        """Keep the exchange (token requests excluded: their bodies hold credentials)."""
        self.count += 1
        if response.status_code == 429:
            where = f"{response.request.method} {response.request.url.path}"
            self.rate_limited.append((where, "retry-after" in response.headers))
        if response.request.url.path.startswith("/oauth"):
            return
        response.read()
        self.entries.append(response)

    def clear(self) -> None:
        """Forget the previous test's exchanges."""
        self.entries.clear()

    def describe(self) -> str:
        """The exchange a failure is most likely about: the last execute, else the last request."""
        if not self.entries:
            return ""
        entries = list(self.entries)
        chosen = next((r for r in reversed(entries) if r.request.url.path.endswith("/execute")), entries[-1])
        request = chosen.request
        lines = [
            f"Sent: {request.method} {request.url.path}" + (f" {_text(request.content)}" if request.content else "")
        ]
        lines.append(f"Got:  HTTP {chosen.status_code} {_text(chosen.content)}".rstrip())
        lines.append(f"Reproduce: {curl(request)}")
        text = "\n".join(lines)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def attach(client: httpx.Client, log: ExchangeLog) -> None:
    """Log every exchange the client makes, the fuzzer's included."""
    hooks = client.event_hooks
    hooks["response"] = [*hooks.get("response", []), log.record]
    client.event_hooks = hooks
