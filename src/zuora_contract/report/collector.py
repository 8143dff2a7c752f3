"""Where the reports are written (the only process, or the xdist controller): collect, summarise, write."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from zuora_contract.failures import ConfigError
from zuora_contract.report.divergences import divergence_path, load_divergences, notices
from zuora_contract.report.html import write_html
from zuora_contract.report.junit import write_junit
from zuora_contract.report.outcomes import rule_of
from zuora_contract.report.progress import Heartbeat
from zuora_contract.report.results import Report, RuleResult, render_table
from zuora_contract.session_state import (
    DIVERGENCES_KEY,
    REPORT_KEY,
    RESULT_PROPERTY,
    SETTINGS_KEY,
    TARGET_PROPERTY,
    is_worker,
    report_of,
)


def write_reports(config: pytest.Config, run: Report) -> list[Path]:
    """conformance.json, junit.xml and conformance.html, from one list of rule outcomes."""
    directory = Path(config.stash[SETTINGS_KEY].report_dir)
    written = [run.write_json(directory), write_junit(run, directory), write_html(run, directory)]
    xmlpath = config.getoption("xmlpath", default=None)
    if xmlpath:
        # A CI that passes --junitxml reads that file: it gets the rule-level report, not pytest's per-test one.
        # This runs in the terminal summary, after pytest's own junitxml plugin wrote the file at session end.
        written.append(write_junit(run, Path(xmlpath).parent, Path(xmlpath).name))
    return written


def _notices(config: pytest.Config, run: Report) -> list[str]:
    divergences = config.stash.get(DIVERGENCES_KEY, None)
    if divergences is None:  # the xdist controller never loaded them
        divergences = load_divergences(divergence_path(run.target)) if run.target else {}
    for result in run.results:
        if result.id in divergences and result.message.startswith(("known divergence", "divergence expired")):
            divergences[result.id].matched = True
    return notices(divergences, datetime.date.today())


class Collector:
    """Collects rule outcomes (also from xdist workers), keeps the heartbeat, prints and writes the reports."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.heartbeat: Heartbeat | None = None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Start the heartbeat where the terminal is (not on xdist workers, whose output nobody sees)."""
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        distributed = bool(getattr(self.config.option, "numprocesses", None))
        contract = distributed or any(rule_of(item) for item in session.items)
        if contract and reporter is not None and not is_worker(self.config) and self.config.get_verbosity() > -2:
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
        run = report_of(self.config)
        run.add(RuleResult(**json.loads(str(properties[RESULT_PROPERTY]))))
        if TARGET_PROPERTY in properties and not run.origin:
            run.target, run.base_url, run.origin = json.loads(str(properties[TARGET_PROPERTY]))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Print the readable table and write the reports."""
        run = self.config.stash.get(REPORT_KEY, None)
        if run is None or is_worker(self.config) or run.fatal:
            return
        try:
            run.notices = _notices(self.config, run)
        except ConfigError as error:
            run.notices = [f"divergences not read: {error}"]
        terminalreporter.section("zuora contract conformance")
        for line in render_table(run):
            terminalreporter.write_line(line)
        for path in write_reports(self.config, run):
            terminalreporter.write_line(f"report: {path}")
