"""One contract test's result as a rule outcome: failed, warning, diverged, error, skipped or passed."""

from __future__ import annotations

import datetime

import pytest

from zuora_contract.catalogue.registry import load_registry
from zuora_contract.failures import ConfigError, TargetError
from zuora_contract.report.divergences import Divergence
from zuora_contract.report.results import Outcome, RuleResult


def rule_of(item: pytest.Item) -> tuple[str, str, str] | None:
    """The (id, level, source) a contract test reports under: the registry's, else the marker's own.

    A project's own rules, which the registry does not know, carry `level` and `source` in the marker.
    """
    marker = item.get_closest_marker("rule")
    if marker is None:
        return None
    rule_id = str(marker.args[0])
    known = load_registry().get(rule_id)
    if known is not None:
        return known.id, known.level, known.source
    return rule_id, str(marker.kwargs.get("level", "must")), str(marker.kwargs.get("source", ""))


def leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside a group (Hypothesis reports several distinct failures as one), flattened."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in leaves(inner)]
    return [error]


def _could_not_judge(error: BaseException) -> str:
    if isinstance(error, TargetError | ConfigError):
        return str(error)
    if type(error).__name__.startswith("Flaky"):
        # Hypothesis replays what it generated; a target whose answers feed the next request (links) and
        # change between replays (random data) breaks that. It says nothing about a rule.
        return (
            "the target answered the same generated requests differently between Hypothesis' replays "
            "(random data, as Prism's dynamic mode gives), so the fuzz run could not be reproduced; could not judge"
        )
    # An exception of the suite's own: still `error`, but named as ours so nobody blames the target.
    return f"the suite could not judge ({type(error).__name__} in zuora-contract): {error}"


def _numbered(kind: str, messages: list[str]) -> str:
    if len(messages) == 1:
        return messages[0]
    listed = "\n".join(f"{index}. {message}" for index, message in enumerate(messages, 1))
    return f"{len(messages)} distinct {kind}:\n{listed}"


def describe(error: BaseException) -> tuple[bool, str]:
    """(is a broken rule, message): any assertion among the leaves is nonconformance, each one listed."""
    found = leaves(error)
    broken = [str(leaf) for leaf in found if isinstance(leaf, AssertionError)]
    unjudged = [_could_not_judge(leaf) for leaf in found if not isinstance(leaf, AssertionError)]
    if broken:
        message = _numbered("failures", list(dict.fromkeys(broken)))
        if unjudged:
            message += "\nAlso could not judge:\n" + "\n".join(dict.fromkeys(unjudged))
        return True, message
    return False, _numbered("errors", list(dict.fromkeys(unjudged)))


def _failure(message: str, level: str, strict: bool, accepted: Divergence | None) -> tuple[Outcome, str]:
    """Classify a failed check: a failure, a `should` warning, or a known (unexpired) divergence."""
    outcome: Outcome = "warning" if level == "should" and not strict else "failed"
    if accepted is None:
        return outcome, message
    if accepted.expired(datetime.date.today()):
        return outcome, f"divergence expired on {accepted.expires}; {message}"
    return "diverged", f"known divergence until {accepted.expires}: {accepted.reason}; {message}"


def classify(
    item: pytest.Item,
    report: pytest.TestReport,
    call: pytest.CallInfo[None],
    strict: bool,
    divergences: dict[str, Divergence],
) -> RuleResult:
    """The rule outcome of one test phase; only a broken rule is nonconformance."""
    rule_id, level, source = rule_of(item) or ("", "must", "")
    outcome: Outcome = "passed"
    message = ""
    error = call.excinfo.value if call.excinfo is not None else None
    if report.skipped and not isinstance(error, BaseExceptionGroup):
        outcome = "skipped"
        message = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    elif error is not None:
        broken, message = describe(error)
        if broken and report.when == "call":
            outcome, message = _failure(message, level, strict, divergences.get(rule_id))
        else:
            outcome = "error"
    return RuleResult(rule_id, level, outcome, message, source, item.nodeid, round(call.duration, 3))


def short_text(result: RuleResult) -> str:
    """What the terminal shows instead of a traceback: the rule, the finding, the exchange."""
    head = f"{result.id} ({result.level} rule) {result.outcome}"
    return "\n".join(part for part in (head, result.message, result.exchange) if part)
