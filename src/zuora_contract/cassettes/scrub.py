"""Remove secrets from recorded exchanges before VCR.py writes them, so cassettes can be committed.

Always removed: credentials in request headers (Authorization, cookies, Zuora's legacy API-key headers),
Set-Cookie, the OAuth client id and secret in the token form, and access/refresh tokens in JSON
bodies. `ZUORA_SCRUB_FIELDS` (comma-separated names) adds headers and JSON fields, such as
`accountKey,accountId,accountNumber`. A scrubbed response value becomes a pseudonym that is stable
within one recording run (HMAC under a key that is never stored), so checks that compare two
responses, such as the account echoed by a bill run, still hold when the cassette is replayed.
VCR.py's own `filter_post_data_parameters` is not used: it parses every `application/json` body and
fails on the malformed bodies the catalogue sends on purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from zuora_contract.settings import environment

SCRUB_ENV = "ZUORA_SCRUB_FIELDS"
PLACEHOLDER = "<scrubbed>"
PSEUDONYM_PREFIX = "scrubbed-"
REQUEST_HEADERS = ("Authorization", "Cookie", "apiAccessKeyId", "apiSecretAccessKey")
RESPONSE_HEADERS = ("Set-Cookie",)
FORM_FIELDS = ("client_id", "client_secret")
JSON_FIELDS = ("access_token", "refresh_token", "client_secret", "id_token")


@dataclass(frozen=True)
class ScrubRules:
    """Lower-case names of the headers to drop and of the form/JSON fields whose values to replace."""

    headers: frozenset[str]
    fields: frozenset[str]


def rules_from_env(environ: Mapping[str, str] | None = None) -> ScrubRules:
    """The always-scrubbed names plus the ones the user configured in ZUORA_SCRUB_FIELDS."""
    env = environment() if environ is None else environ
    extra = {name.strip().lower() for name in (env.get(SCRUB_ENV) or "").split(",") if name.strip()}
    headers = {name.lower() for name in (*REQUEST_HEADERS, *RESPONSE_HEADERS)} | extra
    fields = {name.lower() for name in (*FORM_FIELDS, *JSON_FIELDS)} | extra
    return ScrubRules(frozenset(headers), frozenset(fields))


class Scrubber:
    """VCR.py `before_record_request`/`before_record_response` hooks; idempotent, as VCR reapplies them."""

    def __init__(self, rules: ScrubRules, key: bytes | None = None) -> None:
        self.rules = rules
        self._key = key or secrets.token_bytes(32)

    def pseudonym(self, value: str) -> str:
        """A stand-in that is equal for equal values within this run and reveals nothing of the value."""
        if value.startswith(PSEUDONYM_PREFIX) or value == PLACEHOLDER:
            return value
        digest = hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()
        return f"{PSEUDONYM_PREFIX}{digest[:16]}"

    def _hide(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.pseudonym(value)
        if isinstance(value, dict):
            return {key: self._hide(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._hide(item) for item in value]
        if isinstance(value, int | float) and not isinstance(value, bool):
            return 0
        return value

    def scrub_json(self, value: Any) -> Any:
        """Replace the value of every sensitive key, at any depth."""
        if isinstance(value, dict):
            return {
                key: self._hide(item) if key.lower() in self.rules.fields else self.scrub_json(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.scrub_json(item) for item in value]
        return value

    def scrub_body(self, body: bytes, content_type: str) -> bytes:
        """Scrub a JSON or form body; any other body (or one that does not parse) is kept as it is."""
        media = content_type.split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            hidden = [(key, self.pseudonym(val) if key.lower() in self.rules.fields else val) for key, val in pairs]
            return urlencode(hidden).encode()
        try:
            document = json.loads(body)
        except ValueError:
            return body
        scrubbed = self.scrub_json(document)
        return body if scrubbed == document else json.dumps(scrubbed).encode()

    def request(self, request: Any) -> Any:
        """Drop sensitive request headers and scrub the body of a `vcr.request.Request`."""
        for name in [name for name in request.headers if name.lower() in self.rules.headers]:
            del request.headers[name]
        body = request.body
        if isinstance(body, str):
            body = body.encode()
        if isinstance(body, bytes) and body:
            scrubbed = self.scrub_body(body, str(request.headers.get("Content-Type", "")))
            if scrubbed != body and "Content-Length" in request.headers:
                request.headers["Content-Length"] = str(len(scrubbed))
            request.body = scrubbed
        return request

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """Drop sensitive response headers and scrub the JSON body of a VCR.py response dict."""
        headers: dict[str, Any] = response.get("headers") or {}
        kept = {name: values for name, values in headers.items() if name.lower() not in self.rules.headers}
        response["headers"] = kept
        body = response.get("body") or {}
        content = body.get("string")
        if isinstance(content, str):
            content = content.encode()
        if isinstance(content, bytes) and content:
            types = [value for name, values in kept.items() if name.lower() == "content-type" for value in values]
            scrubbed = self.scrub_body(content, str(types[0]) if types else "application/json")
            if scrubbed != content:
                # Keep Content-Length true to the stored body, as a replaying client may check it.
                kept.update({name: [str(len(scrubbed))] for name in kept if name.lower() == "content-length"})
            body["string"] = scrubbed
        return response
