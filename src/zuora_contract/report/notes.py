"""Notes a test leaves for its rule's result, such as how many generated cases a cap kept from being sent."""

from __future__ import annotations

import os

_NOTES: dict[str, dict[str, str]] = {}


def current_test() -> str:
    """The running test's node id, from pytest's PYTEST_CURRENT_TEST (empty outside a test)."""
    return os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]


def note(topic: str, text: str) -> None:
    """Set (or replace) the running test's note on a topic."""
    nodeid = current_test()
    if nodeid:
        _NOTES.setdefault(nodeid, {})[topic] = text


def take(nodeid: str) -> list[str]:
    """The test's notes, forgotten once taken."""
    return list(_NOTES.pop(nodeid, {}).values())
