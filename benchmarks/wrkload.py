"""Drive wrk (installing it when missing) with this directory's Lua scripts and read back its figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent / "wrk"
ITEMS_PER_SCHEDULE = 50
CREATE_THREADS = 4


def ensure_wrk() -> str | None:
    """Return why wrk is unavailable, or None once it is on PATH (apt-get install wrk when root)."""
    if shutil.which("wrk"):
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "wrk is not installed and cannot be installed here (needs root and apt-get)"
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        subprocess.run(command, capture_output=True, timeout=600, check=False)
    return None if shutil.which("wrk") else "apt-get install wrk failed"


def wrk_version() -> str:
    """Wrk's version line."""
    completed = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (completed.stdout or completed.stderr).splitlines()[0].strip()


def script(name: str, with_report: bool = True) -> Path:
    """A Lua file for wrk: the named request script, followed by the shared report (done) function."""
    text = (HERE / name).read_text()
    if with_report:
        text += "\n" + (HERE / "report.lua").read_text()
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115 - wrk reads it later
    with handle:
        handle.write(text)
    return Path(handle.name)


def run(url: str, lua: Path, connections: int, seconds: float, args: list[str]) -> dict[str, float]:
    """Run wrk for a bounded time and return the figures its done() printed, plus requests per second."""
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(lua),
        url,
    ]
    completed = subprocess.run(
        [*command, "--", *args], capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    line = next((line for line in completed.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures: {completed.stdout[-500:]} {completed.stderr[-500:]}")
    figures: dict[str, float] = json.loads(line.removeprefix("WRK_JSON "))
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def _schedule(client: httpx.Client, items: int) -> tuple[str, list[str]]:
    body = {
        "accountKey": "A00000001",
        "scheduleItems": [{"name": f"bench {k}", "runDate": "2030-01-10", "amount": 1} for k in range(items)],
    }
    created = client.post("/v1/invoice-schedules", json=body).json()
    return created["id"], [item["id"] for item in created["scheduleItems"]]


def provision(url: str, token: str, items_needed: int, connections: int) -> Path:
    """Create enough 50-item schedules and write the file execute.lua walks ("thread schedule item" lines)."""
    threads = min(2, connections)
    # At least connections+1 schedules per thread, so an item's predecessor is always answered first.
    count = max(-(-items_needed // ITEMS_PER_SCHEDULE), threads * (connections + 1))
    headers = {"Authorization": f"Bearer {token}", "Zuora-Version": "2024-05-20"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client, ThreadPoolExecutor(CREATE_THREADS) as pool:
        schedules = list(pool.map(lambda _: _schedule(client, ITEMS_PER_SCHEDULE), range(count)))
    handle = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115 - wrk reads it later
    with handle:
        for k in range(ITEMS_PER_SCHEDULE):
            for index, (schedule_id, items) in enumerate(schedules):
                handle.write(f"{index % threads} {schedule_id} {items[k]}\n")
    return Path(handle.name)


def get_target(url: str, token: str) -> str:
    """Create the 3-item schedule the GET runs read (Prism answers its example whatever the key)."""
    headers = {"Authorization": f"Bearer {token}", "Zuora-Version": "2024-05-20"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        return _schedule(client, 3)[0]
