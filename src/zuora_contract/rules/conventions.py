"""Zuora's documented error conventions: 8-digit codes, categories, and the version-dependent status."""

from __future__ import annotations

import re
from typing import Literal

# DEV-UPGRADES: from 2024-05-20 the HTTP status follows the code's last two digits.
CATEGORY_STATUS: dict[str, frozenset[int]] = {
    "10": frozenset({403}),
    "11": frozenset({401}),
    "20": frozenset({400}),
    "21": frozenset({400}),
    "22": frozenset({400}),
    "23": frozenset({400}),
    "27": frozenset({400}),
    "30": frozenset({400}),
    "40": frozenset({404}),
    "45": frozenset({405, 406, 415}),
    "50": frozenset({409}),
    "60": frozenset({500}),
    "61": frozenset({500}),
    "70": frozenset({429}),
    "90": frozenset({400}),
    "99": frozenset({500}),
}
MODERN_SINCE = "2024-05-20"
CODE = re.compile(r"^\d{8}$")
DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBERED = re.compile(r"^\d+(\.\d+)?$")

VersionMode = Literal["modern", "legacy", "tenant-default"]


def version_mode(sent: str | None) -> VersionMode:
    """Which convention the request asked for; unset or unrecognised leaves it to the tenant default."""
    if sent is None:
        return "tenant-default"
    sent = sent.strip()
    if DATED.match(sent):
        return "modern" if sent >= MODERN_SINCE else "legacy"
    if NUMBERED.match(sent):
        return "legacy"
    # DEV-VERSIONS: an unsupported value is treated as the tenant's default.
    return "tenant-default"


def category_of(code: object) -> str | None:
    """The two-digit category of an 8-digit code given as string or number (both are documented)."""
    text = str(code) if isinstance(code, int | str) and not isinstance(code, bool) else ""
    return text[-2:] if CODE.match(text) else None


def statuses_for(category: str) -> frozenset[int]:
    """HTTP statuses allowed for a category under versions from 2024-05-20; 4xx/5xx if undocumented."""
    return CATEGORY_STATUS.get(category, frozenset(range(400, 600)))
