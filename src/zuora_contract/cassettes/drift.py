"""Re-check recorded reality against the current fragment and rule code, so spec drift fails a test.

Every response stored in every cassette is validated against the response schema the fragment gives
for its operation and status, and against the catalogue's rule functions that judge a response on
its own (request id, Content-Type, track-id echo, error envelope, bill-run shape). A fragment edit
that a recording from a sandbox (or Zuora's documented samples) contradicts then fails.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml
from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from zuora_contract.rules.billruns import TYPES_ONLY, check_bill_run_shape
from zuora_contract.rules.checks import (
    body_of,
    check_error_envelope,
    check_json_content_type,
    check_request_id,
    check_track_id,
    is_documented_track_id,
    is_refusal,
)
from zuora_contract.spec import SPEC_PATH, load_spec
from zuora_contract.target import EXECUTE_PATH


@dataclass(frozen=True)
class Exchange:
    """One recorded interaction, as the rule code sees it."""

    cassette: Path
    index: int
    method: str
    path: str
    request_headers: dict[str, str]
    response: httpx.Response
    # False for cassettes transcribed from documentation that shows bodies only.
    headers_documented: bool = True

    def where(self) -> str:
        """Readable location for a failure message."""
        return f"{self.cassette.name}#{self.index} {self.method} {self.path} -> {self.response.status_code}"


def _text(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value or "").encode()


def load_exchanges(path: Path) -> list[Exchange]:
    """Read a VCR.py cassette without VCR.py, so hand-transcribed cassettes are read the same way."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    headers_documented = (document.get("metadata") or {}).get("headers_documented", True) is not False
    exchanges = []
    for index, interaction in enumerate(document.get("interactions") or []):
        request, response = interaction["request"], interaction["response"]
        headers = [(name, value) for name, values in (response.get("headers") or {}).items() for value in values]
        sent = {name.lower(): str(values[0]) for name, values in (request.get("headers") or {}).items() if values}
        replayed = httpx.Response(
            response["status"]["code"], headers=headers, content=_text(response["body"].get("string"))
        )
        method, uri = str(request["method"]).upper(), urlsplit(str(request["uri"])).path
        exchanges.append(Exchange(path, index, method, uri, sent, replayed, headers_documented))
    return exchanges


@functools.cache
def _operations(spec_path: Path) -> tuple[tuple[re.Pattern[str], str, dict[str, Any]], ...]:
    found = []
    for template, item in load_spec(spec_path)["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        found += [(pattern, method.upper(), operation) for method, operation in item.items() if method != "parameters"]
    return tuple(found)


def response_schema(spec_path: Path, method: str, path: str, status: int) -> dict[str, Any] | None:
    """The JSON schema the fragment gives this operation's response; raises LookupError if undocumented."""
    for pattern, verb, operation in _operations(spec_path):
        if verb == method and pattern.match(path):
            responses = operation["responses"]
            entry = responses.get(str(status)) or responses.get(f"{status // 100}XX") or responses.get("default")
            if entry is None:
                raise LookupError(f"HTTP {status} is not documented for {method} {path}")
            if "$ref" in entry:
                entry = load_spec(spec_path)["components"]["responses"][entry["$ref"].rsplit("/", 1)[1]]
            schema: dict[str, Any] | None = (entry.get("content") or {}).get("application/json", {}).get("schema")
            return schema
    raise LookupError(f"{method} {path} is not an operation of the fragment")


def schema_problems(spec_path: Path, schema: dict[str, Any], instance: Any) -> list[str]:
    """Every way `instance` breaks `schema`, resolving `$ref`s inside the given fragment."""
    root = {**schema, "components": load_spec(spec_path)["components"]}
    problems = []
    for error in OAS30Validator(root, format_checker=oas30_format_checker).iter_errors(instance):
        error = best_match([error])  # descend into oneOf/allOf to the field that broke
        problems.append(f"at /{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")
    return problems


def _is_execute(exchange: Exchange) -> bool:
    return (
        exchange.method == "POST" and re.fullmatch(EXECUTE_PATH.format(scheduleKey="[^/]+"), exchange.path) is not None
    )


def rule_problems(exchange: Exchange) -> list[str]:
    """The catalogue's rule functions that judge one response on its own."""
    response = exchange.response
    failures = check_json_content_type(response)
    if exchange.path.startswith("/v1/") and exchange.headers_documented:
        failures += check_request_id(response)
        sent = exchange.request_headers.get("zuora-track-id")
        if sent is None or is_documented_track_id(sent):
            failures += check_track_id(response, sent)
    if is_refusal(response):
        failures += check_error_envelope(response)
    elif _is_execute(exchange) and response.status_code == 200:
        failures += check_bill_run_shape(body_of(response), TYPES_ONLY)
    return [f"{failure.title} (received {failure.received})" for failure in failures]


def drift_problems(cassette: Path, spec_path: Path = SPEC_PATH) -> list[str]:
    """Every disagreement between one cassette's responses and the fragment or the rule code."""
    problems = []
    for exchange in load_exchanges(cassette):
        try:
            schema = response_schema(spec_path, exchange.method, exchange.path, exchange.response.status_code)
        except LookupError as error:
            problems.append(f"{exchange.where()}: {error}")
            continue
        body = body_of(exchange.response)
        if schema is not None and body is None:
            problems.append(f"{exchange.where()}: body is not JSON though the fragment declares a JSON schema")
        elif schema is not None:
            problems += [f"{exchange.where()}: {problem}" for problem in schema_problems(spec_path, schema, body)]
        problems += [f"{exchange.where()}: {problem}" for problem in rule_problems(exchange)]
    return problems


def all_cassettes(root: Path) -> list[Path]:
    """Every cassette under `root`, in a stable order."""
    return sorted(root.rglob("*.yaml"))
