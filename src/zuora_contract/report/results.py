"""Per-rule outcomes, the run's verdict, and the JSON and table renderings of one report."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

Outcome = Literal["passed", "failed", "warning", "error", "skipped", "diverged"]
Verdict = Literal["conformant", "nonconformant", "error"]
EXIT_CODES: dict[Verdict, int] = {"conformant": 0, "nonconformant": 1, "error": 2}
# Which outcome a rule reports when several tests share its id (the fuzz reads run once per operation).
SEVERITY: dict[Outcome, int] = {"failed": 5, "error": 4, "warning": 3, "diverged": 2, "passed": 1, "skipped": 0}


@dataclass
class RuleResult:
    """The outcome of one catalogue rule in this run."""

    id: str
    level: str
    outcome: Outcome
    message: str = ""
    source: str = ""
    test: str = ""
    duration: float = 0.0
    # The exchange behind a failure or error: request line, answer, and a curl reproduction (secrets masked).
    exchange: str = ""

    @property
    def family(self) -> str:
        """The rule family is the id's first segment (`keys.by-number` is in `keys`)."""
        return self.id.split(".", 1)[0]


@dataclass
class Report:
    """What one run found about one target."""

    target: str
    base_url: str
    origin: str
    zuora_version: str | None
    strict: bool
    started: str = field(default_factory=lambda: datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))
    results: list[RuleResult] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    fatal: str | None = None
    # Every schedule the run created: {id, number, state}, state `deleted`, `paused` or `left <status>`.
    tenant: list[dict[str, str]] = field(default_factory=list)

    def add(self, result: RuleResult) -> None:
        """Record a rule's outcome; a second test under the same id merges into it (worst outcome wins)."""
        existing = next((known for known in self.results if known.id == result.id), None)
        if existing is None:
            self.results.append(result)
            return
        worst = max((existing, result), key=lambda known: SEVERITY[known.outcome])
        messages = [text for text in (existing.message, result.message) if text]
        existing.outcome, existing.exchange = worst.outcome, worst.exchange or existing.exchange
        existing.message = "\n".join(dict.fromkeys(messages)) if worst.outcome != "passed" else ""
        existing.test = f"{existing.test}, {result.test}"
        existing.duration = round(existing.duration + result.duration, 3)

    @property
    def verdict(self) -> Verdict:
        """Nonconformant on any failed rule; error when the suite could not judge; else conformant."""
        if any(result.outcome == "failed" for result in self.results):
            return "nonconformant"
        if self.fatal or any(result.outcome == "error" for result in self.results) or not self.results:
            return "error"
        return "conformant"

    def counts(self, key: str) -> dict[str, dict[str, int]]:
        """Outcome counts grouped by `family` or `level`."""
        grouped: dict[str, Counter[str]] = {}
        for result in self.results:
            grouped.setdefault(getattr(result, key), Counter())[result.outcome] += 1
        return {name: dict(counter) for name, counter in sorted(grouped.items())}

    def as_dict(self) -> dict[str, Any]:
        """The JSON report's content."""
        return {
            "target": {"name": self.target, "base_url": self.base_url, "origin": self.origin},
            "zuora_version": self.zuora_version,
            "strict": self.strict,
            "started": self.started,
            "verdict": self.verdict,
            "fatal": self.fatal,
            "totals": dict(Counter(result.outcome for result in self.results)),
            "by_family": self.counts("family"),
            "by_level": self.counts("level"),
            "notices": self.notices,
            "tenant": self.tenant,
            "checks": [asdict(result) | {"family": result.family} for result in self.results],
        }

    def write_json(self, directory: Path) -> Path:
        """Write `conformance.json` into the report directory."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "conformance.json"
        path.write_text(json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8")
        return path


def first_line(text: str) -> str:
    """The whole first line of a message: its point, never cut."""
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def render_table(report: Report) -> list[str]:
    """A readable summary: one row per rule with the whole first line of its message, counts, the verdict."""
    lines = [f"{'rule':<44} {'level':<6} {'outcome':<9} message", "-" * 110]
    for result in sorted(report.results, key=lambda r: (-SEVERITY[r.outcome], r.id)):
        lines.append(f"{result.id:<44} {result.level:<6} {result.outcome:<9} {first_line(result.message)}".rstrip())
    lines.append("-" * 110)
    for key in ("family", "level"):
        for name, counter in report.counts(key).items():
            summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counter.items()))
            lines.append(f"{key} {name}: {summary}")
    lines.extend(f"notice: {notice}" for notice in report.notices)
    lines.extend(tenant_lines(report.tenant))
    if report.fatal:
        lines.append(f"could not judge: {report.fatal}")
    lines.append(f"verdict: {report.verdict.upper()} ({report.target} at {report.base_url})")
    return lines


def tenant_lines(tenant: list[dict[str, str]]) -> list[str]:
    """What the run created on the tenant and what it left behind, and in which state."""
    if not tenant:
        return []
    states = Counter(entry["state"] for entry in tenant)
    summary = ", ".join(f"{count} {state}" for state, count in sorted(states.items()))
    lines = [f"tenant: created {len(tenant)} schedules: {summary}"]
    paused = [entry["number"] for entry in tenant if entry["state"] == "paused"]
    if paused:
        lines.append(f"tenant: paused (not deletable once executed): {', '.join(paused)}")
    lines.extend(
        f"tenant: {entry['state'].upper()}: {entry['number']} ({entry['id']}) may still be billed by Zuora Scheduler"
        for entry in tenant
        if entry["state"] not in {"deleted", "paused"}
    )
    return lines
