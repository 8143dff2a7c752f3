"""Judge recorded exchanges (VCR.py cassettes, or HAR files from a browser or a proxy) without a target."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from zuora_contract.cassettes.drift import Exchange, load_exchanges, response_schema, rule_problems, schema_problems
from zuora_contract.failures import ConfigError
from zuora_contract.rules.checks import body_of
from zuora_contract.spec import SPEC_PATH


@dataclass
class Validation:
    """What one run of `validate` found: problems per exchange, and what it could not judge."""

    judged: int = 0
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 every judged exchange conforms, 1 a problem, 2 nothing of the fragment's operations to judge."""
        if self.problems:
            return 1
        return 0 if self.judged else 2


def _har_content(content: dict[str, Any]) -> bytes:
    text = str(content.get("text") or "")
    return base64.b64decode(text) if content.get("encoding") == "base64" else text.encode()


def load_har(path: Path) -> list[Exchange]:
    """Read a HAR 1.2 file: each entry's request and response as the rule code sees them."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
        exchanges = []
        for index, entry in enumerate(entries):
            request, response = entry["request"], entry["response"]
            sent = {str(h["name"]).lower(): str(h["value"]) for h in request.get("headers", [])}
            headers = [(str(h["name"]), str(h["value"])) for h in response.get("headers", [])]
            # Browsers record bodies decoded; the transfer coding no longer applies to them.
            headers = [(name, value) for name, value in headers if name.lower() != "content-encoding"]
            answer = httpx.Response(int(response["status"]), headers=headers, content=_har_content(response["content"]))
            method, where = str(request["method"]).upper(), urlsplit(str(request["url"])).path
            exchanges.append(Exchange(path, index, method, where, sent, answer))
        return exchanges
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path}: not a readable HAR file: {error}") from None


def load_any(path: Path) -> list[Exchange]:
    """A HAR file (`.har` or JSON with log.entries) or a VCR.py cassette (YAML)."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    if path.suffix.lower() in {".har", ".json"}:
        return load_har(path)
    try:
        return load_exchanges(path)
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path}: not a readable cassette: {error}") from None


def validate_paths(paths: list[Path], spec_path: Path = SPEC_PATH) -> Validation:
    """Judge every exchange of the fragment's operations against its schemas and the single-response rules."""
    result = Validation()
    for path in paths:
        for exchange in load_any(path):
            try:
                schema = response_schema(spec_path, exchange.method, exchange.path, exchange.response.status_code)
            except LookupError as error:
                if "not an operation" in str(error):
                    result.skipped.append(f"{exchange.where()}: not an operation of the fragment")
                    continue
                result.judged += 1
                result.problems.append(f"{exchange.where()}: {error}")
                continue
            result.judged += 1
            body = body_of(exchange.response)
            found = schema_problems(spec_path, schema, body) if schema is not None and body is not None else []
            if schema is not None and body is None:
                found.append("body is not JSON though the fragment declares a JSON schema")
            found += rule_problems(exchange)
            result.problems += [f"{exchange.where()}: {problem}" for problem in found]
    return result
