"""Choosing rules by id, family or level (`--rule`, `--family`, `--level`), so a gate can run a slice."""

from __future__ import annotations

from collections.abc import Callable

import pytest

RuleOf = Callable[[pytest.Item], "tuple[str, str, str] | None"]


def add_options(group: pytest.OptionGroup) -> None:
    """The selection options; each may repeat except --level."""
    group.addoption("--rule", action="append", default=[], metavar="ID", help="run only this catalogue rule id")
    group.addoption("--family", action="append", default=[], metavar="NAME", help="run only this rule family")
    group.addoption("--level", choices=("must", "should"), default=None, help="run only rules of this level")


def wanted(rule: tuple[str, str, str] | None, rules: list[str], families: list[str], level: str | None) -> bool:
    """True when a test's rule matches every given criterion; tests without a rule go with no criterion."""
    if not (rules or families or level):
        return True
    if rule is None:
        return False
    rule_id, rule_level, _ = rule
    return (
        (not rules or rule_id in rules)
        and (not families or rule_id.split(".", 1)[0] in families)
        and (level is None or rule_level == level)
    )


def deselect(config: pytest.Config, items: list[pytest.Item], rule_of: RuleOf) -> None:
    """Drop the tests the selection does not want, reported as deselected like `-k`."""
    rules, families, level = config.getoption("rule"), config.getoption("family"), config.getoption("level")
    keep = [item for item in items if wanted(rule_of(item), rules, families, level)]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
