"""`conformance.html`: one self-contained page (no script, no network) that a vendor or a reviewer reads."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from zuora_contract.catalogue.registry import load_registry
from zuora_contract.catalogue.sources import Source, links
from zuora_contract.failures import ConfigError
from zuora_contract.report.results import SEVERITY, Report, RuleResult, first_line

COLOURS = {
    "failed": "#c62828",
    "error": "#ef6c00",
    "warning": "#f9a825",
    "diverged": "#6a1b9a",
    "skipped": "#757575",
    "passed": "#2e7d32",
}
VERDICT_COLOURS = {"conformant": "#2e7d32", "nonconformant": "#c62828", "error": "#ef6c00"}
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#212121}
header{padding:18px 24px;color:#fff}
header h1{margin:0;font-size:26px}
main{padding:8px 24px 32px}
table{border-collapse:collapse;width:100%;margin:6px 0 18px;table-layout:fixed}
th:nth-child(1){width:38%}th:nth-child(2){width:7%}th:nth-child(3){width:10%}
th,td{border-bottom:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}
.outcome{color:#fff;border-radius:3px;padding:1px 6px;font-weight:600}
pre{background:#f5f5f5;padding:8px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
section.finding{border-left:4px solid #c62828;padding:2px 12px;margin:12px 0}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}
dt{font-weight:600}
"""


def _sources(result: RuleResult) -> list[Source]:
    try:
        rule = load_registry().get(result.id)
        return links(rule.source if rule is not None else result.source)
    except ConfigError:
        return []


def _badge(outcome: str) -> str:
    return f'<span class="outcome" style="background:{COLOURS.get(outcome, "#757575")}">{escape(outcome)}</span>'


def _family_tables(report: Report) -> list[str]:
    parts = []
    families = sorted({result.family for result in report.results})
    for family in families:
        rows = [result for result in report.results if result.family == family]
        rows.sort(key=lambda result: (-SEVERITY[result.outcome], result.id))
        parts.append(f'<h3 id="family-{escape(family)}">{escape(family)}</h3><table>')
        parts.append("<tr><th>rule</th><th>level</th><th>outcome</th><th>finding</th></tr>")
        for result in rows:
            anchor = (
                f'<a href="#rule-{escape(result.id)}">{escape(result.id)}</a>' if result.message else escape(result.id)
            )
            parts.append(
                f"<tr><td>{anchor}</td><td>{escape(result.level)}</td><td>{_badge(result.outcome)}</td>"
                f"<td>{escape(first_line(result.message))}</td></tr>"
            )
        parts.append("</table>")
    return parts


def _exchange_parts(exchange: str) -> tuple[str, str, str]:
    sent = got = curl = ""
    for line in exchange.splitlines():
        if line.startswith("Sent:"):
            sent = line.removeprefix("Sent:").strip()
        elif line.startswith("Got:"):
            got = line.removeprefix("Got:").strip()
        elif line.startswith("Reproduce:"):
            curl = line.removeprefix("Reproduce:").strip()
    return sent, got, curl


def _finding(result: RuleResult) -> str:
    sent, got, curl = _exchange_parts(result.exchange)
    colour = COLOURS.get(result.outcome, "#757575")
    items = [
        f'<section class="finding" id="rule-{escape(result.id)}" style="border-color:{colour}">',
        f"<h3>{escape(result.id)} {_badge(result.outcome)} <small>{escape(result.level)} rule</small></h3>",
        f"<pre>{escape(result.message)}</pre>",
    ]
    if sent:
        items.append(f"<p><b>Request</b></p><pre>{escape(sent)}</pre>")
    if curl:
        items.append(f"<p><b>Reproduce</b> (the token comes from your environment)</p><pre>{escape(curl)}</pre>")
    if got:
        items.append(f"<p><b>Response</b></p><pre>{escape(got)}</pre>")
    sources = _sources(result)
    if sources:
        listed = "".join(f'<li><a href="{escape(s.url)}">{escape(s.tag)}</a>: {escape(s.title)}</li>' for s in sources)
        items.append(f"<p><b>What Zuora documents</b></p><ul>{listed}</ul>")
    items.append("</section>")
    return "".join(items)


def _settings(report: Report, tenant: list[dict[str, Any]]) -> list[str]:
    rows = {
        "target": f"{report.target} ({report.origin})",
        "base URL": report.base_url,
        "Zuora-Version": report.zuora_version or "not sent (tenant default)",
        "should rules binding": "yes" if report.strict else "no",
        "started": report.started,
    }
    parts = ["<h2>Run</h2><dl>"] + [f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in rows.items()]
    parts.append("</dl>")
    if tenant:
        parts.append("<h2>Created in the tenant</h2><table><tr><th>schedule</th><th>left as</th></tr>")
        for entry in tenant:
            name = entry.get("number") or entry.get("id")
            parts.append(f"<tr><td>{escape(str(name))}</td><td>{escape(str(entry.get('state', '')))}</td></tr>")
        parts.append("</table>")
    return parts


def render_html(report: Report) -> str:
    """The whole page for one report."""
    verdict = report.verdict
    findings = [result for result in report.results if result.outcome in {"failed", "error", "warning"}]
    findings.sort(key=lambda result: (-SEVERITY[result.outcome], result.id))
    diverged = [result for result in report.results if result.outcome == "diverged"]
    totals = ", ".join(f"{count} {name}" for name, count in sorted(report.as_dict()["totals"].items()))
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>zuora-contract: {escape(verdict)}</title><style>{STYLE}</style></head><body>",
        f'<header style="background:{VERDICT_COLOURS[verdict]}"><h1 id="verdict">{escape(verdict.upper())}</h1>',
        f"<div>{escape(report.target)} at {escape(report.base_url)} · {escape(totals or 'no rule ran')}</div>",
        "</header><main>",
    ]
    if report.fatal:
        parts.append(f"<h2>Could not judge</h2><pre>{escape(report.fatal)}</pre>")
    parts.append("<h2>Rules by family</h2>")
    parts += _family_tables(report)
    if findings:
        parts.append("<h2>Findings</h2>")
        parts += [_finding(result) for result in findings]
    if diverged or report.notices:
        parts.append("<h2>Divergences</h2><ul>")
        parts += [f"<li>{escape(result.id)}: {escape(first_line(result.message))}</li>" for result in diverged]
        parts += [f"<li>{escape(notice)}</li>" for notice in report.notices]
        parts.append("</ul>")
    parts += _settings(report, list(getattr(report, "tenant", []) or []))
    parts.append("</main></body></html>\n")
    return "".join(parts)


def write_html(report: Report, directory: Path) -> Path:
    """Write `conformance.html` into the report directory."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "conformance.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path
