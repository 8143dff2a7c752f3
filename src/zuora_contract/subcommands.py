"""The console command's other subcommands: serve the mock, list the rules, validate recorded exchanges."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from zuora_contract.failures import ConfigError

EXIT_CONFIG = 4


def add_subcommands(commands: Any) -> None:
    """Register `mock`, `cases` and `validate` beside `run`."""
    commands.add_parser(
        "mock",
        help="serve the reference mock (options are python -m zuora_mock's; see `mock --help`)",
        add_help=False,
    )
    # Everything after `mock` is the mock's own command line; main() forwards it before parsing.
    cases = commands.add_parser("cases", help="list the rule catalogue, or show one rule with its sources")
    cases.add_argument("--id", dest="rule_id", metavar="ID", help="show this rule, its note and its sources' URLs")
    cases.add_argument("--family", metavar="NAME", help="list only this family")
    cases.add_argument("--level", choices=("must", "should"), help="list only this level")
    validate = commands.add_parser(
        "validate", help="judge recorded exchanges (VCR.py cassettes or HAR files) against the fragment and rules"
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="a .har/.json HAR file or a .yaml cassette")


def serve_mock(mock_args: list[str]) -> NoReturn:
    """Replace this process with the mock's own command line, so signals and exit codes are the mock's."""
    os.execv(sys.executable, [sys.executable, "-m", "zuora_mock", *mock_args])


def list_cases(args: argparse.Namespace) -> int:
    """Print the registry (or one rule); an unknown id or a filter matching nothing is exit 4."""
    from zuora_contract.catalogue.listing import render_case, render_cases
    from zuora_contract.catalogue.registry import load_registry

    registry = load_registry()
    if args.rule_id:
        rule = registry.get(args.rule_id)
        if rule is None:
            raise ConfigError(f"no rule {args.rule_id!r}; `cases` lists every id")
        sys.stdout.write("\n".join(render_case(rule)) + "\n")
        return 0
    rules = [
        rule
        for rule in registry.values()
        if (not args.family or rule.family == args.family) and (not args.level or rule.level == args.level)
    ]
    if not rules:
        raise ConfigError("no rule matches --family/--level")
    sys.stdout.write("\n".join(render_cases(rules)) + "\n")
    return 0


def validate_files(args: argparse.Namespace) -> int:
    """0 every exchange of the fragment's operations conforms, 1 a problem, 2 nothing to judge, 4 a bad file."""
    from zuora_contract.cassettes.validate import validate_paths

    result = validate_paths([Path(name) for name in args.files])
    for problem in result.problems:
        sys.stdout.write(f"FAIL {problem}\n")
    sys.stdout.write(
        f"{result.judged} exchange(s) judged, {len(result.problems)} problem(s), "
        f"{len(result.skipped)} skipped (not an operation of the fragment)\n"
    )
    return result.exit_code


HANDLERS = {"cases": list_cases, "validate": validate_files}
