"""The app built from the environment, for servers that import their target by name (granian's --factory)."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from wsgiref.types import WSGIApplication

from zuora_mock.app import create_app
from zuora_mock.collector import PacedCollection
from zuora_mock.config import MockConfig

# The parent process (`python -m zuora_mock --server granian`) passes its settings here as JSON.
CONFIG_ENV = "ZUORA_MOCK_CONFIG"
# ... and its pid here, so the worker can end with it, whatever way it ended.
PARENT_ENV = "ZUORA_MOCK_PARENT_PID"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _end_with(owner: int) -> None:
    # A worker left behind (its launcher killed, or granian's main process gone) would hold the port forever.
    supervisor = os.getppid()
    while _alive(owner) and os.getppid() == supervisor:
        threading.Event().wait(1.0)
    os._exit(0)


def config_to_environment(config: MockConfig) -> str:
    """Return the JSON a child server process reads back with app_from_environment."""
    return json.dumps(dataclasses.asdict(config))


def app_from_environment() -> WSGIApplication:
    """Build the mock tenant described by ZUORA_MOCK_CONFIG (defaults when unset), with paced collection."""
    fields = json.loads(os.environ.get(CONFIG_ENV) or "{}")
    if "fault_statuses" in fields:
        fields["fault_statuses"] = tuple(fields["fault_statuses"])
    if owner := os.environ.get(PARENT_ENV):
        threading.Thread(target=_end_with, args=(int(owner),), name="end-with-launcher", daemon=True).start()
    return PacedCollection(create_app(MockConfig(**fields)))
