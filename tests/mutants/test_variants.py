"""No false positives: the WHOLE suite (catalogue, scenarios, samples and fuzz) passes every correct variant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.mutants.harness import SuiteRun, run_suite, served
from tests.mutants.variants import VARIANTS, Variant

from zuora_mock.app import create_app

pytestmark = pytest.mark.slow

# A small fixed fuzz budget, no rate limit and no request cap: the variant is served on loopback.
FUZZ_ENV = {"FUZZ_EXAMPLES": "10", "FUZZ_RATE": "0", "FUZZ_MAX_REQUESTS": "0", "FUZZ_SEED": ""}
RUNS = [
    pytest.param(variant, version, id=f"{variant.name}@{version}")
    for variant in VARIANTS
    for version in variant.versions
]


def _objections(run: SuiteRun, report: dict[str, Any]) -> list[str]:
    """Every rule that did not pass or skip, with the first line of its message."""
    lines = []
    for check in report.get("checks", []):
        if check["outcome"] not in {"passed", "skipped"}:
            text = [line.strip() for line in (check["message"] or "").strip().splitlines() if line.strip()]
            # A headline ending in ':' introduces the finding on the next line; show both.
            first = " ".join(text[:2]) if text and text[0].endswith(":") else (text[0] if text else "")
            lines.append(f"{check['id']} [{check['outcome']}] {first}"[:300])
    return lines


@pytest.mark.parametrize(("variant", "version"), RUNS)
def test_variant_passes_the_whole_suite(variant: Variant, version: str, tmp_path: Path, record_property: Any) -> None:
    """The verdict is conformant (or `error` for a variant slower than the wait bound), never nonconformant."""
    env = {**FUZZ_ENV, "ZUORA_VERSION": version}
    app = variant.build(create_app(variant.config))
    with served(app) as url:
        run, report = run_suite(url, tmp_path, env=env, marker="")
    objections = _objections(run, report)
    exercised = app.choices_made > 0 or not variant.rewrites
    if not exercised:
        objections.append("no request of the run met the variant's choice: the suite never exercises it")
    record_property("variant", f"{variant.name}@{version}")
    record_property("accepted", run.verdict in variant.verdicts and exercised)
    record_property("objections", "; ".join(objections))
    summary = "\n  ".join(objections) or run.output[-2000:]
    assert run.verdict in variant.verdicts, (
        f"{variant.name} under Zuora-Version {version} got {run.verdict}; its choice ({variant.choice}) "
        f"is allowed by {variant.allowed_by}. Rules objecting:\n  {summary}"
    )
    assert run.exit_code == {"conformant": 0, "error": 2}[run.verdict]
    # A variant whose choice the suite never triggers proves nothing about the suite.
    assert exercised, f"no request of the run met {variant.name}'s choice ({variant.choice})"
    # A run that judged nothing would be conformant by accident: the fuzz rules must have run too.
    assert any(rule.startswith("fuzz.") for rule in run.outcomes), sorted(run.outcomes)
    assert any(rule.startswith("samples.") for rule in run.outcomes), sorted(run.outcomes)


def test_every_variant_names_the_section_that_allows_it() -> None:
    """Each variant cites the spec section (§N) that leaves its choice open, and names are unique."""
    assert all("§" in variant.allowed_by for variant in VARIANTS[1:])
    assert len({variant.name for variant in VARIANTS}) == len(VARIANTS)
    assert all(set(variant.verdicts) <= {"conformant", "error"} for variant in VARIANTS)
