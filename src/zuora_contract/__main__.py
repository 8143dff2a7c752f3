"""`python -m zuora_contract run`: the gate's command line (see cli.py)."""

from __future__ import annotations

import sys

from zuora_contract.cli import main

if __name__ == "__main__":
    sys.exit(main())
