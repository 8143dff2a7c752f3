"""How the report treats `should` failures, STRICT=1 and known divergences, on a mock with one soft defect."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import cast
from wsgiref.types import WSGIApplication, WSGIEnvironment
from xml.etree import ElementTree

import pytest
from tests.mutants.harness import fresh_app, run_suite, served
from tests.mutants.wsgi import Answer, Wrapper

pytestmark = pytest.mark.slow
SOFT_RULE = "keys.unknown-key-not-found-category"


def _not_found_as_rule_restriction(app: WSGIApplication) -> WSGIApplication:
    """Unknown keys are refused with category 30 (and its status) instead of 40: only a `should` rule knows."""

    def after(environ: WSGIEnvironment, answer: Answer) -> None:
        body = answer.json()
        if not (isinstance(body, dict) and body.get("success") is False and "/execute" in environ["PATH_INFO"]):
            return
        codes = [reason.get("code", "") for reason in body.get("reasons", [])]
        if any(str(code).endswith("40") for code in codes):
            for reason in body["reasons"]:
                reason["code"] = re.sub(r"40$", "30", str(reason["code"]))
            answer.set_json(body)
            if answer.code == 404:
                answer.set_status(400, "Bad Request")

    return Wrapper(app, after=after)


def _run(tmp_path: Path, *extra: str, **env: str) -> tuple[str, dict[str, str], dict[str, object]]:
    with served(_not_found_as_rule_restriction(fresh_app())) as url:
        run, report = run_suite(url, tmp_path, extra, env=env)
    return run.verdict, run.outcomes, report


def test_report_should_failure_is_a_warning_by_default(tmp_path: Path) -> None:
    """A failed `should` rule is a warning: the verdict stays conformant and the exit code 0."""
    verdict, outcomes, _ = _run(tmp_path)
    assert outcomes[SOFT_RULE] == "warning"
    assert verdict == "conformant"
    assert [rule for rule, outcome in outcomes.items() if outcome not in {"passed", "skipped"}] == [SOFT_RULE]


def test_report_strict_turns_should_failures_into_nonconformance(tmp_path: Path) -> None:
    """STRICT=1 makes the same failure count."""
    verdict, outcomes, _ = _run(tmp_path, STRICT="1")
    assert outcomes[SOFT_RULE] == "failed"
    assert verdict == "nonconformant"


def test_report_divergence_accepts_a_failure_until_it_expires(tmp_path: Path) -> None:
    """An unexpired entry turns the failure into `diverged`; expired and unmatched entries are reported."""
    future, past = datetime.date.today() + datetime.timedelta(days=30), datetime.date(2020, 1, 1)
    divergences = tmp_path / "divergences.toml"
    divergences.write_text(
        f'[[divergence]]\nrule = "{SOFT_RULE}"\nreason = "tenant answers 30; case 01234567"\nexpires = {future}\n'
        f'[[divergence]]\nrule = "samples.with-item"\nreason = "fixed long ago"\nexpires = {future}\n'
        f'[[divergence]]\nrule = "paused.empty-body-refused"\nreason = "old"\nexpires = {past}\n'
    )
    verdict, outcomes, report = _run(tmp_path, STRICT="1", ZUORA_DIVERGENCES=str(divergences))
    assert outcomes[SOFT_RULE] == "diverged"
    assert verdict == "conformant"
    notices = " ".join(map(str, report["notices"]))  # type: ignore[call-overload]
    assert "samples.with-item matched nothing" in notices
    assert "paused.empty-body-refused expired on 2020-01-01" in notices


def test_report_malformed_divergence_file_stops_with_one_message(tmp_path: Path) -> None:
    """A divergence entry without an expiry date is a configuration error (exit 4), not a traceback."""
    divergences = tmp_path / "divergences.toml"
    divergences.write_text('[[divergence]]\nrule = "x"\nreason = "y"\n')
    with served(fresh_app()) as url:
        run, _ = run_suite(url, tmp_path / "r", env={"ZUORA_DIVERGENCES": str(divergences)})
    assert run.exit_code == 4
    assert "lacks expires" in run.output
    assert "Traceback" not in run.output


def test_report_json_and_junit_carry_rule_ids(tmp_path: Path) -> None:
    """conformance.json lists counts per family and level; JUnit carries each test's rule id and outcome."""
    junit = tmp_path / "junit.xml"
    _, _, report = _run(tmp_path, f"--junitxml={junit}")
    assert set(report) >= {"target", "verdict", "by_family", "by_level", "checks", "totals"}
    check = next(check for check in report["checks"] if check["id"] == SOFT_RULE)  # type: ignore[attr-defined]
    assert {"id", "level", "outcome", "message", "source"} <= set(check)
    by_family = cast(dict[str, dict[str, int]], report["by_family"])
    by_level = cast(dict[str, dict[str, int]], report["by_level"])
    assert by_family["keys"]["warning"] == 1 and "failed" not in by_family["keys"]
    assert by_level["should"]["warning"] == 1 and "warning" not in by_level["must"]
    properties = {(prop.get("name"), prop.get("value")) for prop in ElementTree.parse(junit).getroot().iter("property")}
    assert ("rule", SOFT_RULE) in properties
    assert ("outcome", "warning") in properties
