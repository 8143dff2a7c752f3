"""The CI examples call only commands that exist, keep secrets in the CI's store, and publish the reports."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from zuora_contract.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GATE = ("-m", "zuora_contract")


def _load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _github_commands(document: dict[str, Any]) -> list[str]:
    return [step["run"] for job in document["jobs"].values() for step in job["steps"] if "run" in step]


def _gitlab_commands(document: dict[str, Any]) -> list[str]:
    return [line for job in document.values() if isinstance(job, dict) for line in job.get("script", [])]


COMMANDS = {
    "github-actions.yml": _github_commands,
    "gitlab-ci.yml": _gitlab_commands,
}


def _make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE))


def _check_command(command: str) -> str:
    """Parse one CI command; return what it is, failing if it names a missing target or an unknown flag."""
    words = shlex.split(command)
    if words[0] == "make":
        targets = [word for word in words[1:] if "=" not in word and not word.startswith("-")]
        assert targets, command
        assert set(targets) <= _make_targets(), f"{command}: no such make target"
        return "make " + " ".join(targets)
    position = next(index for index in range(len(words)) if tuple(words[index : index + 2]) == GATE)
    assert words[position - 1].endswith("python"), command
    build_parser().parse_args(words[position + 2 :])  # exits 4 on an unknown flag, failing this test
    return "gate " + words[position + 2]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_ci_example_commands_exist(name: str) -> None:
    """Pull requests replay cassettes; the nightly job installs and runs `python -m zuora_contract run`."""
    kinds = [_check_command(command) for command in COMMANDS[name](_load(name))]
    assert kinds == ["make replay", "make install", "gate run"]


def test_github_example_takes_secrets_from_the_store_and_publishes_reports() -> None:
    """Credentials come from `secrets`; reports/ is uploaded and the JUnit files are published, even on failure."""
    document = _load("github-actions.yml")
    sandbox = document["jobs"]["sandbox"]
    assert sandbox["env"]["ZUORA_CLIENT_SECRET"] == "${{ secrets.ZUORA_CLIENT_SECRET }}"
    assert sandbox["env"]["ZUORA_CLIENT_ID"] == "${{ secrets.ZUORA_CLIENT_ID }}"
    assert document[True]["schedule"], "the sandbox gate runs nightly"  # YAML 1.1 reads `on` as True
    for job in document["jobs"].values():
        uses = {step.get("uses", "").split("@")[0]: step for step in job["steps"]}
        assert uses["actions/upload-artifact"]["with"]["path"] == "reports/"
        assert uses["actions/upload-artifact"]["if"] == "always()"
        assert uses["dorny/test-reporter"]["with"]["path"].endswith("junit.xml")


def test_gitlab_example_keeps_secrets_out_and_publishes_reports() -> None:
    """Credentials are CI/CD variables, never in the file; reports/ is kept and JUnit shown, even on failure."""
    document = _load("gitlab-ci.yml")
    text = (EXAMPLES / "gitlab-ci.yml").read_text(encoding="utf-8")
    assert "ZUORA_CLIENT_SECRET:" not in text
    assert document["sandbox"]["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "schedule"'
    for job in ("replay", "sandbox"):
        artifacts = document[job]["artifacts"]
        assert artifacts["when"] == "always"
        assert artifacts["paths"] == ["reports/"]
        assert artifacts["reports"]["junit"].endswith("junit.xml")
