"""The pytest plugin: target resolution, fixtures, rule-level outcomes, reports and the verdict.

Rule outcomes travel in each test report's `user_properties`, so the process that writes the reports
(the only one, or the pytest-xdist controller) sees every worker's results.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from zuora_contract import cassette_plugin, selection, suite
from zuora_contract.cassette_plugin import TARGET_KEY
from zuora_contract.divergences import Divergence, divergence_path, load_divergences, notices
from zuora_contract.exchanges import ExchangeLog, attach
from zuora_contract.failures import ConfigError, TargetError
from zuora_contract.html_report import write_html
from zuora_contract.junit import write_junit
from zuora_contract.outcomes import as_property, classify, rule_of, short_text
from zuora_contract.progress import Heartbeat
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.recording import Mode, cassette_mode, session_cassette
from zuora_contract.results import EXIT_CODES, Report, RuleResult, render_table
from zuora_contract.settings import Settings, load_settings
from zuora_contract.target import Target, open_replay_target, open_target
from zuora_contract.tenant import interrupt_on_sigterm, leave_nothing_to_bill

REPORT_KEY = pytest.StashKey[Report]()
SETTINGS_KEY = pytest.StashKey[Settings]()
DIVERGENCES_KEY = pytest.StashKey[dict[str, Divergence]]()
TENANT_OUTPUT = "zuora_tenant"
LOG_KEY = pytest.StashKey[ExchangeLog]()
FATAL_KEY = pytest.StashKey[str]()
RESULT_PROPERTY = "zuora_result"
TARGET_PROPERTY = "zuora_target"

__all__ = ["TARGET_KEY", "rule_of"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options that are not secrets; credentials come from the environment only."""
    group = parser.getgroup("zuora-contract")
    group.addoption("--target-name", default=None, help="name of the target in reports and divergence files")
    group.addoption("--report-dir", default=None, help="directory for conformance.json, junit.xml and the HTML")
    group.addoption(
        "--zuora-base-url",
        default=None,
        help="the implementation to judge (else ZUORA_BASE_URL, else the zuora_base_url ini option, else the "
        "embedded reference mock); credentials come from the environment",
    )
    group.addoption(
        "--zuora-suite",
        action="store_true",
        default=None,
        help="also collect the packaged contract suite (zuora_contract.suite) next to this project's tests",
    )
    parser.addini("zuora_base_url", "the implementation to judge, as --zuora-base-url", default="")
    parser.addini("zuora_suite", "collect the packaged contract suite, as --zuora-suite", type="bool", default=False)
    selection.add_options(group)


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


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _report(config: pytest.Config) -> Report:
    """The run's report, made on first use (the xdist controller never opens the target itself)."""
    if REPORT_KEY not in config.stash:
        settings = config.stash.get(SETTINGS_KEY, None) or _settings(config, cassette_mode(config))
        config.stash[SETTINGS_KEY] = settings
        config.stash[REPORT_KEY] = Report(
            settings.target_name or "", settings.base_url or "", "", settings.version, settings.strict
        )
    return config.stash[REPORT_KEY]


def _write_reports(config: pytest.Config, run: Report) -> list[Path]:
    directory = Path(config.stash[SETTINGS_KEY].report_dir)
    return [run.write_json(directory), write_junit(run, directory), write_html(run, directory)]


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


def _open(config: pytest.Config, settings: Settings, mode: Mode) -> Target:
    target = open_replay_target(settings) if mode == "replay" else open_target(settings)
    config.stash[TARGET_KEY] = target
    log = ExchangeLog(settings.secrets)
    attach(target.client, log)
    config.stash[LOG_KEY] = log
    with session_cassette(mode, target):
        target.probe()
    return target


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Open the target once, only when contract tests were collected, and stop early if it is unusable."""
    config = session.config
    if not any(rule_of(item) for item in session.items) or config.option.collectonly:
        return
    mode = cassette_mode(config)
    try:
        report = _report(config)
        settings = config.stash[SETTINGS_KEY]
        target = _open(config, settings, mode)
        config.stash[DIVERGENCES_KEY] = load_divergences(divergence_path(target.name))
    except ConfigError as error:
        _stop(config, f"configuration error: {error}", 4)
        return
    except TargetError as error:
        if _is_worker(config):
            # A worker cannot stop the run alone: every test it runs reports the reason as `error`.
            config.stash[FATAL_KEY] = str(error)
            return
        report.fatal = str(error)
        _write_reports(config, report)
        _stop(config, f"cannot judge the target: {error}", EXIT_CODES["error"])
        return
    report.target, report.base_url, report.origin = target.name, target.base_url, target.origin
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not _is_worker(config):
        version = settings.version or "not sent (tenant default applies)"
        reporter.write_line(f"contract target: {target.base_url} ({target.origin}); Zuora-Version: {version}")


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Target:
    """The implementation under test, opened once per run (per worker under xdist)."""
    fatal = request.config.stash.get(FATAL_KEY, None)
    if fatal is not None:
        raise TargetError(fatal)
    if TARGET_KEY not in request.config.stash:
        pytest.skip("no contract target was opened (no rule-marked test collected)")
    return request.config.stash[TARGET_KEY]


@pytest.fixture(scope="session")
def provisioner(request: pytest.FixtureRequest, target: Target) -> Iterator[Provisioner]:
    """Test data made through Zuora's documented operations; none of it is left executable afterwards."""
    yield Provisioner(target)
    _tidy(request.config)


def _tidy(config: pytest.Config) -> None:
    """Delete or pause what the run created and list it in the report; also on failure and Ctrl-C."""
    target = config.stash.get(TARGET_KEY, None)
    run = config.stash.get(REPORT_KEY, None)
    if target is None or target.replaying:  # a replay made nothing
        return
    settled = leave_nothing_to_bill(target)
    if run is not None:
        run.tenant.extend(leftover.as_dict() for leftover in settled)


@pytest.fixture
def schedule(provisioner: Provisioner) -> Schedule:
    """A fresh schedule with three pending items, for one test alone."""
    return provisioner.create_schedule()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Start each test with an empty exchange log, so a failure shows its own exchange."""
    log = item.config.stash.get(LOG_KEY, None)
    if log is not None:
        log.clear()


def _result(item: pytest.Item, report: pytest.TestReport, call: pytest.CallInfo[None]) -> RuleResult:
    config = item.config
    run = _report(config)
    result = classify(item, report, call, run.strict, config.stash.get(DIVERGENCES_KEY, {}))
    log = config.stash.get(LOG_KEY, None)
    if result.outcome in {"failed", "error", "warning"} and log is not None:
        result.exchange = log.describe()
    return result


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Turn each contract test's outcome into a rule outcome; `should` failures become warnings."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if rule_of(item) is None or not (report.when == "call" or (report.when == "setup" and not report.passed)):
        return
    result = _result(item, report, call)
    report.user_properties.append((RESULT_PROPERTY, json.dumps(as_property(result))))
    target = item.config.stash.get(TARGET_KEY, None)
    if target is not None:
        report.user_properties.append((TARGET_PROPERTY, json.dumps([target.name, target.base_url, target.origin])))
    if result.outcome in {"warning", "diverged"}:
        # Shown as an expected failure: visible in the terminal, not a failed test.
        first_line = result.message.splitlines()[0] if result.message else ""
        report.outcome = "skipped"
        report.wasxfail = f"{result.outcome} ({result.level} rule {result.id}): {first_line}"
    elif result.outcome in {"failed", "error"} and item.config.get_verbosity() < 1:
        # A vendor needs the finding, not our stack: `-v` shows the full traceback.
        report.longrepr = short_text(result)


class _Collector:
    """Collects rule outcomes where the reports are written (it also receives xdist workers' reports)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.heartbeat: Heartbeat | None = None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Start the heartbeat where the terminal is (not on xdist workers, whose output nobody sees)."""
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        distributed = bool(getattr(self.config.option, "numprocesses", None))
        contract = distributed or any(rule_of(item) for item in session.items)
        if contract and reporter is not None and not _is_worker(self.config) and self.config.get_verbosity() > -2:
            self.heartbeat = Heartbeat(reporter, len(session.items))
            self.heartbeat.start()

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        """Note which test runs now, for the heartbeat."""
        if self.heartbeat is not None:
            self.heartbeat.began(nodeid)

    def pytest_sessionfinish(self) -> None:
        """Silence the heartbeat before the summary."""
        if self.heartbeat is not None:
            self.heartbeat.stop()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Add the report's rule outcome to the run."""
        if self.heartbeat is not None and report.when == "teardown":
            self.heartbeat.finished()
        properties = dict(report.user_properties)
        if RESULT_PROPERTY not in properties:
            return
        run = _report(self.config)
        run.add(RuleResult(**json.loads(str(properties[RESULT_PROPERTY]))))
        if TARGET_PROPERTY in properties and not run.origin:
            run.target, run.base_url, run.origin = json.loads(str(properties[TARGET_PROPERTY]))


def _project_options(config: pytest.Config) -> None:
    """Apply a project's own pytest configuration: which target, and whether to collect the packaged suite."""
    base_url = config.getoption("zuora_base_url") or config.getini("zuora_base_url")
    if base_url and not os.environ.get("ZUORA_BASE_URL"):
        # Through the environment, so settings validate it like the variable and xdist workers inherit it.
        os.environ["ZUORA_BASE_URL"] = str(base_url)
    wants_suite = config.getoption("zuora_suite") or config.getini("zuora_suite")
    suite_dir = str(Path(suite.__file__).parent)
    if wants_suite and suite_dir not in config.args:
        config.args.append(suite_dir)


def pytest_configure(config: pytest.Config) -> None:
    """Declare the markers and register the collector and the cassette wiring (after pytest-recording)."""
    _project_options(config)
    config.addinivalue_line(
        "markers", "rule(id, level='must', source=''): ties a test to a rule id; the registry supplies level and source"
    )
    config.addinivalue_line("markers", "fuzz: a schemathesis property-based contract test")
    config.pluginmanager.register(_Collector(config), "zuora-contract-collector")
    if not config.pluginmanager.has_plugin("zuora-contract-cassettes"):
        config.pluginmanager.register(cassette_plugin, "zuora-contract-cassettes")
    interrupt_on_sigterm()


def _notices(config: pytest.Config, run: Report) -> list[str]:
    divergences = config.stash.get(DIVERGENCES_KEY, None)
    if divergences is None:  # the xdist controller never loaded them
        divergences = load_divergences(divergence_path(run.target)) if run.target else {}
    for result in run.results:
        if result.id in divergences and result.message.startswith(("known divergence", "divergence expired")):
            divergences[result.id].matched = True
    return notices(divergences, datetime.date.today())


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Print the readable table and write conformance.json and junit.xml (the controller only)."""
    run = config.stash.get(REPORT_KEY, None)
    if run is None or _is_worker(config) or run.fatal:
        return
    try:
        run.notices = _notices(config, run)
    except ConfigError as error:
        run.notices = [f"divergences not read: {error}"]
    terminalreporter.section("zuora contract conformance")
    for line in render_table(run):
        terminalreporter.write_line(line)
    for path in _write_reports(config, run):
        terminalreporter.write_line(f"report: {path}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Clean the tenant up, close the target and make the exit status say the verdict (0, 1, 2)."""
    config = session.config
    _tidy(config)  # after Ctrl-C this runs before the session fixtures are torn down
    run = config.stash.get(REPORT_KEY, None)
    if run is not None and exitstatus == pytest.ExitCode.INTERRUPTED:
        run.add(RuleResult("run.interrupted", "must", "error", "interrupted before every rule was judged"))
    if run is not None and _is_worker(config):
        config.workeroutput[TENANT_OUTPUT] = json.dumps(run.tenant)  # type: ignore[attr-defined]
    target = config.stash.get(TARGET_KEY, None)
    if target is not None:
        target.close()
    if run is None or run.fatal or _is_worker(config):
        return
    verdict_code = EXIT_CODES[run.verdict]
    # Only a worse verdict overrides: a failing test of another kind in the same session keeps its 1.
    if verdict_code and exitstatus in (0, 1):
        session.exitstatus = verdict_code


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Under xdist, add what each worker created and left to the run's tenant section (it cleaned up itself)."""
    tenant = getattr(node, "workeroutput", {}).get(TENANT_OUTPUT)
    if tenant:
        _report(node.config).tenant.extend(json.loads(tenant))
