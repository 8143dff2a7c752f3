"""What `zuora-contract cases` prints: the registry of rules, and one rule with its sources as links."""

from __future__ import annotations

from zuora_contract.catalogue.registry import Rule


def render_cases(rules: list[Rule]) -> list[str]:
    """One line per rule: id, level, family, description, source tags."""
    width = max((len(rule.id) for rule in rules), default=10)
    lines = [f"{'id':<{width}}  level   description  [sources]"]
    for rule in sorted(rules, key=lambda rule: rule.id):
        lines.append(f"{rule.id:<{width}}  {rule.level:<6}  {rule.description}  [{rule.source}]")
    must = sum(rule.level == "must" for rule in rules)
    lines.append(f"{len(rules)} rules: {must} must, {len(rules) - must} should")
    return lines


def render_case(rule: Rule) -> list[str]:
    """One rule in full: level, family, kind, description, note, and every source with its public URL."""
    lines = [
        rule.id,
        f"  level:       {rule.level}"
        + ("  (a failure is a warning unless --strict-should)" if rule.level == "should" else ""),
        f"  family:      {rule.family}",
        f"  judged by:   {'one exchange (a catalogue case)' if rule.kind == 'case' else 'a multi-step test'}",
        f"  checks that: {rule.description}",
    ]
    if rule.note:
        lines.append(f"  note:        {rule.note}")
    lines.append("  sources:")
    lines += [f"    {source.tag}: {source.title}\n      {source.url}" for source in rule.sources()]
    return lines
