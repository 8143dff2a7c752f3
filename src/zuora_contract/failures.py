"""Typed failures, so the report can tell nonconformance from a run that could not judge.

Exception
├── ContractFailure      the target answered, and the answer breaks a documented rule
├── TargetError          the suite could not judge: unreachable target, provisioning refused
└── ConfigError          the user's configuration is unusable: missing credential, bad file
"""

from __future__ import annotations

from dataclasses import dataclass


# Not frozen: raising sets __traceback__ on the instance, which a frozen dataclass refuses.
@dataclass(eq=False)
class ContractFailure(AssertionError):
    """A documented rule is broken; `consequence` says what it costs a real client."""

    title: str
    received: str
    expected: str
    consequence: str = ""

    def __str__(self) -> str:
        lines = [self.title, f"  Received: {self.received}", f"  Expected: {self.expected}"]
        if self.consequence:
            lines.append(f"  Why it matters: {self.consequence}")
        return "\n".join(lines)


class ContractFailureGroup(AssertionError):
    """Several rules broken by one exchange; reported together rather than first-only."""

    def __init__(self, failures: list[ContractFailure]) -> None:
        self.failures = failures
        super().__init__("\n".join(str(failure) for failure in failures))


class TargetError(Exception):
    """The suite could not judge the target (it is unreachable, or it refused to make test data)."""


class ConfigError(Exception):
    """The run's configuration is unusable; the message says what to set."""


def raise_all(failures: list[ContractFailure]) -> None:
    """Raise one failure alone, or all of them as a group, so no broken rule hides another."""
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise ContractFailureGroup(failures)
