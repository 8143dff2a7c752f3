"""The suite and the mock never import each other; the mock uses the standard library only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


def _imports(package: str) -> set[str]:
    found: set[str] = set()
    for path in (SRC / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(("package", "forbidden"), [("zuora_contract", "zuora_mock"), ("zuora_mock", "zuora_contract")])
def test_boundaries_package_never_imports_the_other(package: str, forbidden: str) -> None:
    """A vendor reads the mock alone; the suite judges any target the same way."""
    assert forbidden not in _imports(package)


def test_boundaries_mock_uses_only_the_standard_library() -> None:
    """The mock installs nowhere but a plain Python."""
    third_party = {name for name in _imports("zuora_mock") if name not in sys.stdlib_module_names} - {"zuora_mock"}
    assert third_party == set()
