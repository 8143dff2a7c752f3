"""The OpenAPI fragment as data: where it lives, and validation of bodies against its schemas."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

# Package data, so an installed copy needs nothing from this repository.
DATA_DIR = Path(str(resources.files("zuora_contract") / "data"))
SPEC_PATH = DATA_DIR / "openapi" / "execute-invoice-schedule.yaml"


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """Parse the fragment once per process; it is the single source of truth for shapes."""
    with path.open(encoding="utf-8") as handle:
        # libyaml's loader when PyYAML has it: the fragment parses ten times faster, at every start.
        document: dict[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return document


@functools.cache
def _validator(component: str, path: Path) -> Any:
    document = load_spec(path)
    root = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    return OAS30Validator(root, format_checker=oas30_format_checker)


def schema_errors(component: str, instance: Any, path: Path = SPEC_PATH) -> list[str]:
    """Every way `instance` breaks the named component schema, as readable `at /pointer: message` lines."""
    errors = sorted(_validator(component, path).iter_errors(instance), key=lambda error: list(error.absolute_path))
    lines = []
    for error in errors:
        pointer = "/" + "/".join(str(part) for part in error.absolute_path)
        lines.append(f"at {pointer}: {error.message}")
    return lines
