"""All configuration is read in one place (settings.py) and documented: every variable the code names is listed."""

from __future__ import annotations

import re
from pathlib import Path

from zuora_contract.settings import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "zuora_contract"
NAME = re.compile(r"\b(ZUORA_[A-Z_]+|FUZZ(?:_[A-Z_]+)?|STRICT)\b")
# Names in the code that are not variables: constants and the placeholder a curl reproduction prints.
NOT_VARIABLES = {"ZUORA_TOKEN", "FUZZ_OFF", "FUZZ_TURNED_OFF", "FUZZ_NUMBERS"}


def test_configuration_environment_is_read_only_in_settings() -> None:
    """No module but settings.py touches os.environ (pytest's own PYTEST_CURRENT_TEST aside)."""
    for path in SRC.rglob("*.py"):
        if path.name == "settings.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if "os.environ" in line or "getenv(" in line:
                assert "PYTEST_CURRENT_TEST" in line, f"{path.relative_to(ROOT)}: {line.strip()}"


def test_configuration_every_variable_is_listed_and_documented() -> None:
    """Each variable the code names is in settings.VARIABLES and in the README's table."""
    named = {match for path in SRC.rglob("*.py") for match in NAME.findall(path.read_text(encoding="utf-8"))}
    named -= NOT_VARIABLES
    assert named <= set(VARIABLES), sorted(named - set(VARIABLES))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    undocumented = sorted(name for name in VARIABLES if f"`{name}`" not in readme)
    assert not undocumented, f"README does not list {undocumented}"
