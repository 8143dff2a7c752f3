"""Contract-testing and spec-conformance suite for Zuora's Execute an invoice schedule operation."""

from __future__ import annotations

__version__ = "0.1.0"
