"""The pytest plugin: target resolution, fixtures, rule-level outcomes, reports and the verdict.

Rule outcomes travel in each test report's `user_properties`, so the process that writes the reports
(the only one, or the pytest-xdist controller) sees every worker's results.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from zuora_contract import selection
from zuora_contract.cassettes import plugin as cassette_plugin
from zuora_contract.cassettes.plugin import TARGET_KEY
from zuora_contract.cassettes.recording import Mode, cassette_mode, session_cassette
from zuora_contract.failures import ConfigError, TargetError
from zuora_contract.provision import Provisioner, Schedule
from zuora_contract.report import notes
from zuora_contract.report.collector import Collector, write_reports
from zuora_contract.report.divergences import divergence_path, load_divergences
from zuora_contract.report.exchanges import ExchangeLog, attach
from zuora_contract.report.outcomes import classify, rule_of, short_text
from zuora_contract.report.results import EXIT_CODES, RuleResult
from zuora_contract.session_state import (
    DIVERGENCES_KEY,
    FATAL_KEY,
    LOG_KEY,
    REPORT_KEY,
    RESULT_PROPERTY,
    SETTINGS_KEY,
    TARGET_PROPERTY,
    TENANT_OUTPUT,
    is_worker,
    report_of,
)
from zuora_contract.settings import Settings, default_base_url
from zuora_contract.target import Target, open_replay_target, open_target
from zuora_contract.tenant import interrupt_on_sigterm, leave_nothing_to_bill

__all__ = ["TARGET_KEY", "rule_of"]
RUN_WIDE_RULES = frozenset({"headers.retry-after-on-429"})


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


def _stop(config: pytest.Config, message: str, code: int) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"zuora-contract: {message}", red=True, bold=True)
    pytest.exit(message, returncode=code)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the rules chosen by --rule/--family/--level; in a replay, skip tests that are not recorded."""
    selection.deselect(config, items, rule_of)
    # Rules that judge what the whole run met run last (in their process), after everything else.
    items.sort(key=lambda item: (rule_of(item) or ("",))[0] in RUN_WIDE_RULES)
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
        report = report_of(config)
        settings = config.stash[SETTINGS_KEY]
        target = _open(config, settings, mode)
        config.stash[DIVERGENCES_KEY] = load_divergences(divergence_path(target.name))
    except ConfigError as error:
        _stop(config, f"configuration error: {error}", 4)
        return
    except TargetError as error:
        if is_worker(config):
            # A worker cannot stop the run alone: every test it runs reports the reason as `error`.
            config.stash[FATAL_KEY] = str(error)
            return
        report.fatal = str(error)
        write_reports(config, report)
        _stop(config, f"cannot judge the target: {error}", EXIT_CODES["error"])
        return
    report.target, report.base_url, report.origin = target.name, target.base_url, target.origin
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not is_worker(config):
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
    run = report_of(config)
    result = classify(item, report, call, run.strict, config.stash.get(DIVERGENCES_KEY, {}))
    log = config.stash.get(LOG_KEY, None)
    if result.outcome in {"failed", "error", "warning"} and log is not None:
        result.exchange = log.describe()
    extra = notes.take(item.nodeid)
    if extra:
        result.message = "\n".join([result.message, *extra] if result.message else extra)
    return result


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Turn each contract test's outcome into a rule outcome; `should` failures become warnings."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    # The call, and a setup or teardown that failed (a fixture's own check is part of the rule's record).
    if rule_of(item) is None or not (report.when == "call" or not report.passed):
        return
    result = _result(item, report, call)
    report.user_properties.append((RESULT_PROPERTY, json.dumps(dataclasses.asdict(result))))
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


def _project_options(config: pytest.Config) -> None:
    """Apply a project's own pytest configuration: which target, and whether to collect the packaged suite."""
    base_url = config.getoption("zuora_base_url") or config.getini("zuora_base_url")
    if base_url:
        default_base_url(str(base_url))
    wants_suite = config.getoption("zuora_suite") or config.getini("zuora_suite")
    spec = importlib.util.find_spec("zuora_contract.suite")  # located, not imported: the suite sits above
    suite_dir = str(next(iter(spec.submodule_search_locations or []), "")) if spec else ""
    if wants_suite and suite_dir and suite_dir not in config.args:
        config.args.append(suite_dir)


def pytest_configure(config: pytest.Config) -> None:
    """Declare the markers and register the collector and the cassette wiring (after pytest-recording)."""
    _project_options(config)
    config.addinivalue_line(
        "markers", "rule(id, level='must', source=''): ties a test to a rule id; the registry supplies level and source"
    )
    config.addinivalue_line("markers", "fuzz: a schemathesis property-based contract test")
    config.pluginmanager.register(Collector(config), "zuora-contract-collector")
    if not config.pluginmanager.has_plugin("zuora-contract-cassettes"):
        config.pluginmanager.register(cassette_plugin, "zuora-contract-cassettes")
    interrupt_on_sigterm()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Clean the tenant up, close the target and make the exit status say the verdict (0, 1, 2)."""
    config = session.config
    _tidy(config)  # after Ctrl-C this runs before the session fixtures are torn down
    run = config.stash.get(REPORT_KEY, None)
    if run is not None and exitstatus == pytest.ExitCode.INTERRUPTED:
        run.add(RuleResult("run.interrupted", "must", "error", "interrupted before every rule was judged"))
    if run is not None and is_worker(config):
        config.workeroutput[TENANT_OUTPUT] = json.dumps(run.tenant)  # type: ignore[attr-defined]
    target = config.stash.get(TARGET_KEY, None)
    if target is not None:
        target.close()
    if run is None or run.fatal or is_worker(config):
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
        report_of(node.config).tenant.extend(json.loads(tenant))
