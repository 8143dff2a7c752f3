"""The JSON and JUnit reports come from one list of rule outcomes, so they always agree."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from zuora_contract.failures import ContractFailure, TargetError
from zuora_contract.report.junit import write_junit
from zuora_contract.report.outcomes import describe
from zuora_contract.report.results import Report, RuleResult, render_table


def _report() -> Report:
    report = Report("vendor-mock", "http://127.0.0.1:9000", "ZUORA_BASE_URL", None, False)
    report.add(RuleResult("fuzz.reads", "must", "passed", test="a"))
    report.add(RuleResult("fuzz.reads", "must", "failed", "GET_BillRun answered HTTP 500", test="b"))
    report.add(RuleResult("keys.by-number", "must", "error", "rate-limited; could not judge"))
    report.add(RuleResult("keys.unknown-key-not-found-category", "should", "warning", "category 30, not 40"))
    return report


def test_reports_merge_tests_that_share_a_rule_id() -> None:
    """Two tests under one id are one rule whose outcome is the worse one."""
    report = _report()
    assert [result.id for result in report.results].count("fuzz.reads") == 1
    merged = next(result for result in report.results if result.id == "fuzz.reads")
    assert merged.outcome == "failed" and "HTTP 500" in merged.message


def test_reports_junit_counts_match_the_json(tmp_path: Path) -> None:
    """Failures, errors and rules are counted the same in both files."""
    report = _report()
    totals = report.as_dict()["totals"]
    suite = ElementTree.parse(write_junit(report, tmp_path)).getroot()
    assert suite.get("failures") == str(totals.get("failed", 0)) == "1"
    assert suite.get("errors") == str(totals.get("error", 0)) == "1"
    names = [case.get("name") for case in suite.iter("testcase")]
    assert sorted(names) == sorted(result.id for result in report.results)


def test_reports_table_shows_the_whole_first_line() -> None:
    """A long message is not cut before its point."""
    report = _report()
    long = "invoice schedule response lacks 'id', which the suite needs to go on: " + "x" * 80
    report.add(RuleResult("states.long", "must", "error", long + "\nsecond line"))
    lines = render_table(report)
    assert any(line.endswith(long) for line in lines)
    assert not any("second line" in line for line in lines)


def test_reports_exception_group_of_assertions_is_a_failure_listing_each() -> None:
    """Hypothesis reports distinct failures as a group: each is listed, and they are failures, not errors."""
    group = ExceptionGroup(
        "Hypothesis found 2 distinct failures.",
        [ContractFailure("execute did not succeed", "HTTP 500", "HTTP 200"), AssertionError("track id not echoed")],
    )
    broken, message = describe(group)
    assert broken
    assert message.startswith("2 distinct failures:") and "track id not echoed" in message


def test_reports_target_error_alone_is_could_not_judge() -> None:
    """An exception that is not a broken rule is `error`, with its message and no traceback."""
    broken, message = describe(TargetError("rate-limited; could not judge"))
    assert not broken and message == "rate-limited; could not judge"
    broken, message = describe(KeyError("id"))
    assert not broken and "KeyError in zuora-contract" in message


def test_reports_hypothesis_flaky_generation_is_could_not_judge_without_naming_our_code() -> None:
    """A target whose random answers break Hypothesis' replay is `error` with the reason, not a suite crash."""

    class FlakyStrategyDefinition(Exception):
        pass

    broken, message = describe(FlakyStrategyDefinition("Inconsistent data generation!"))
    assert not broken
    assert "could not judge" in message and "in zuora-contract" not in message
