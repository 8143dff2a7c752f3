"""Reference mock of Zuora's invoice-schedule operations, standard library only, so a vendor can read it alone."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
