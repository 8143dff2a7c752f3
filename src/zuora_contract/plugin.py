"""The pytest plugin: target resolution, fixtures, rule-level outcomes, reports and the verdict."""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from zuora_contract import selection
from zuora_contract.divergences import Divergence, divergence_path, load_divergences, notices
from zuora_contract.failures import ConfigError, TargetError
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.recording import Mode, cassette_mode, session_cassette
from zuora_contract.results import EXIT_CODES, Outcome, Report, RuleResult, render_table
from zuora_contract.settings import Settings, load_settings
from zuora_contract.target import Target, open_replay_target, open_target

TARGET_KEY = pytest.StashKey[Target]()
REPORT_KEY = pytest.StashKey[Report]()
SETTINGS_KEY = pytest.StashKey[Settings]()
DIVERGENCES_KEY = pytest.StashKey[dict[str, Divergence]]()
PROVISIONER_KEY = pytest.StashKey[Provisioner]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options that are not secrets; credentials come from the environment only."""
    group = parser.getgroup("zuora-contract")
    group.addoption("--target-name", default=None, help="name of the target in reports and divergence files")
    group.addoption("--report-dir", default=None, help="directory for conformance.json (default: reports)")
    selection.add_options(group)


def rule_of(item: pytest.Item) -> tuple[str, str, str] | None:
    """The (id, level, source) a contract test reports under, from its `rule` marker."""
    marker = item.get_closest_marker("rule")
    if marker is None:
        return None
    return str(marker.args[0]), str(marker.kwargs.get("level", "must")), str(marker.kwargs.get("source", ""))


def _settings(config: pytest.Config, mode: Mode) -> Settings:
    # A replay talks to no target, so the live target's variables must neither apply nor be required.
    live_only = {"ZUORA_BASE_URL", "ZUORA_CLIENT_ID", "ZUORA_CLIENT_SECRET", "ZUORA_BEARER_TOKEN"}
    settings = load_settings({k: v for k, v in os.environ.items() if k not in live_only} if mode == "replay" else None)
    overrides: dict[str, Any] = {}
    # pytest owns --strict; we read it too, so `pytest --strict` also makes `should` rules binding.
    if config.getoption("strict", default=False):
        overrides["strict"] = True
    if config.getoption("target_name"):
        overrides["target_name"] = config.getoption("target_name")
    if config.getoption("report_dir"):
        overrides["report_dir"] = config.getoption("report_dir")
    return dataclasses.replace(settings, **overrides)


def _stop(config: pytest.Config, message: str, code: int) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"zuora-contract: {message}", red=True, bold=True)
    pytest.exit(message, returncode=code)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the rules chosen by --rule/--family/--level; in a replay, skip tests that are not recorded."""
    selection.deselect(config, items, rule_of)
    if cassette_mode(config) != "replay":
        return
    unrecorded = pytest.mark.skip(reason="not recorded in cassettes (no pytest.mark.vcr); replay has no live target")
    for item in items:
        if rule_of(item) is not None and item.get_closest_marker("vcr") is None:
            item.add_marker(unrecorded)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Open the target once, only when contract tests were collected, and stop early if it is unusable."""
    config = session.config
    if not any(rule_of(item) for item in session.items) or config.option.collectonly:
        return
    mode = cassette_mode(config)
    try:
        settings = _settings(config, mode)
    except ConfigError as error:
        _stop(config, f"configuration error: {error}", 4)
        return
    config.stash[SETTINGS_KEY] = settings
    report = Report(settings.target_name or "", settings.base_url or "", "", settings.version, settings.strict)
    config.stash[REPORT_KEY] = report
    try:
        target = open_replay_target(settings) if mode == "replay" else open_target(settings)
        config.stash[TARGET_KEY] = target
        with session_cassette(mode, target):
            target.probe()
    except (TargetError, ConfigError) as error:
        report.fatal = str(error)
        report.write_json(Path(settings.report_dir))
        _stop(config, f"cannot judge the target: {error}", EXIT_CODES["error"])
        return
    report.target, report.base_url, report.origin = target.name, target.base_url, target.origin
    try:
        config.stash[DIVERGENCES_KEY] = load_divergences(divergence_path(target.name))
    except ConfigError as error:
        _stop(config, f"configuration error: {error}", 4)
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        version = settings.version or "not sent (tenant default applies)"
        reporter.write_line(f"contract target: {target.base_url} ({target.origin}); Zuora-Version: {version}")


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Target:
    """The implementation under test, opened once per run."""
    if TARGET_KEY not in request.config.stash:
        pytest.skip("no contract target was opened (no rule-marked test collected)")
    return request.config.stash[TARGET_KEY]


@pytest.fixture(scope="session")
def provisioner(request: pytest.FixtureRequest, target: Target) -> Iterator[Provisioner]:
    """Test data made through Zuora's documented operations; none of it is left executable afterwards."""
    provisioner = Provisioner(target)
    request.config.stash[PROVISIONER_KEY] = provisioner
    yield provisioner
    _tidy(request.config)


def _tidy(config: pytest.Config) -> None:
    """Delete or pause what the run created and list it in the report; also on failure and Ctrl-C."""
    provisioner = config.stash.get(PROVISIONER_KEY, None)
    run = config.stash.get(REPORT_KEY, None)
    if provisioner is None or provisioner.target.replaying:  # a replay made nothing
        return
    settled = provisioner.cleanup()
    if run is not None:
        run.tenant.extend(leftover.as_dict() for leftover in settled)


@pytest.fixture
def schedule(provisioner: Provisioner) -> Schedule:
    """A fresh schedule with three pending items, for one test alone."""
    return provisioner.create_schedule()


def _failure(message: str, level: str, strict: bool, accepted: Divergence | None) -> tuple[Outcome, str]:
    """Classify a failed check: a failure, a `should` warning, or a known (unexpired) divergence."""
    outcome: Outcome = "warning" if level == "should" and not strict else "failed"
    if accepted is None:
        return outcome, message
    accepted.matched = True
    if accepted.expired(datetime.date.today()):
        return outcome, f"divergence expired on {accepted.expires}; {message}"
    return "diverged", f"known divergence until {accepted.expires}: {accepted.reason}; {message}"


def _classify(item: pytest.Item, report: pytest.TestReport, call: pytest.CallInfo[None], run: Report) -> RuleResult:
    rule_id, level, source = rule_of(item) or ("", "must", "")
    outcome: Outcome = "passed"
    message = ""
    if call.excinfo is not None and not call.excinfo.errisinstance((AssertionError, pytest.skip.Exception)):
        # Only a broken rule is nonconformance; anything else (unreachable target, a refused
        # provisioning step, a replay with no cassette) means the suite could not judge.
        outcome = "error"
        message = str(call.excinfo.value) if call.excinfo.errisinstance(TargetError) else call.excinfo.exconly()
    elif report.failed and report.when != "call":
        outcome, message = "error", call.excinfo.exconly() if call.excinfo else "setup failed"
    elif report.failed:
        accepted = item.config.stash.get(DIVERGENCES_KEY, {}).get(rule_id)
        outcome, message = _failure(str(call.excinfo.value) if call.excinfo else "", level, run.strict, accepted)
    elif report.skipped:
        outcome = "skipped"
        message = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    return RuleResult(rule_id, level, outcome, message, source, item.nodeid, round(call.duration, 3))


def _record(item: pytest.Item, report: pytest.TestReport, call: pytest.CallInfo[None]) -> None:
    run = item.config.stash.get(REPORT_KEY, None)
    if rule_of(item) is None or run is None:
        return
    result = _classify(item, report, call, run)
    properties = [("rule", result.id), ("level", result.level), ("outcome", result.outcome)]
    report.user_properties.extend(properties)
    # JUnit reads the teardown report, which copies the item's properties.
    item.user_properties.extend(properties)
    if result.outcome in {"warning", "diverged"}:
        # Shown as an expected failure: visible in the terminal and JUnit, not a failed test.
        first_line = result.message.splitlines()[0] if result.message else ""
        report.outcome = "skipped"
        report.wasxfail = f"{result.outcome} ({result.level} rule {result.id}): {first_line}"
    run.results.append(result)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Turn each contract test's outcome into a rule outcome; `should` failures become warnings."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _record(item, report, call)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Print the readable table and write conformance.json."""
    run = config.stash.get(REPORT_KEY, None)
    if run is None:
        return
    run.notices = notices(config.stash.get(DIVERGENCES_KEY, {}), datetime.date.today())
    terminalreporter.section("zuora contract conformance")
    for line in render_table(run):
        terminalreporter.write_line(line)
    path = run.write_json(Path(config.stash[SETTINGS_KEY].report_dir))
    terminalreporter.write_line(f"report: {path}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Close the target and make the exit status say the verdict (0, 1 nonconformant, 2 error)."""
    _tidy(session.config)  # after Ctrl-C this may run before the session fixtures are torn down
    run = session.config.stash.get(REPORT_KEY, None)
    if run is not None and exitstatus == pytest.ExitCode.INTERRUPTED:
        run.fatal = run.fatal or "interrupted before every rule was judged"
    target = session.config.stash.get(TARGET_KEY, None)
    if target is not None:
        target.close()
    if run is None or run.fatal:
        return
    verdict_code = EXIT_CODES[run.verdict]
    if verdict_code and exitstatus in (0, 1):
        session.exitstatus = verdict_code
