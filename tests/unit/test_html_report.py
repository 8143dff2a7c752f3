"""The HTML report renders in a real browser: headless Chromium reads the verdict and families, and paints them."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from zuora_contract.report.html import write_html
from zuora_contract.report.results import Report, RuleResult

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
EXCHANGE = (
    "Sent: POST /v1/invoice-schedules/IS-00000001/execute {}\n"
    'Got:  HTTP 500 {"reasons": [{"code": "50000060"}]}\n'
    "Reproduce: curl -sS -X POST http://127.0.0.1:9/v1/invoice-schedules/IS-00000001/execute "
    "-H 'Authorization: Bearer $ZUORA_TOKEN' --data-raw '{}'"
)


def _report() -> Report:
    report = Report("vendor-mock", "http://127.0.0.1:9", "ZUORA_BASE_URL", "2025-08-12", False)
    report.add(
        RuleResult(
            "samples.with-item", "must", "failed", "execute did not succeed\n  Received: HTTP 500", exchange=EXCHANGE
        )
    )
    report.add(RuleResult("keys.unknown-key-not-found-category", "should", "warning", "category 30, not 40"))
    report.add(RuleResult("idempotency.replay", "must", "error", "rate-limited; could not judge"))
    report.add(RuleResult("paused.empty-body-refused", "must", "passed"))
    return report


def _chromium(profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


def _pixel(png: bytes, x: int, y: int) -> tuple[int, int, int]:
    """One pixel of an 8-bit RGB or RGBA PNG, decoded with the standard library."""
    width, _height, depth, colour = struct.unpack(">IIBB", png[16:26])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    chunks, position = [], 8
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        if kind == b"IDAT":
            chunks.append(png[position + 8 : position + 8 + length])
        position += 12 + length
    raw, channels = zlib.decompress(b"".join(chunks)), 3 if colour == 2 else 4
    stride, previous, rows = width * channels, bytearray(width * channels), []
    for row in range(y + 1):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            estimate = left + up - corner
            nearest = min((abs(estimate - left), left), (abs(estimate - up), up), (abs(estimate - corner), corner))[1]
            line[i] = (line[i] + (0, left, up, (left + up) // 2, nearest)[kind]) & 0xFF
        rows.append(line)
        previous = line
    start = x * channels
    return rows[y][start], rows[y][start + 1], rows[y][start + 2]


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian package chromium)")
def test_html_report_shows_verdict_and_families_in_chromium(tmp_path: Path) -> None:
    """The rendered page names the verdict, every family and the finding; the screenshot shows the red banner."""
    page = write_html(_report(), tmp_path).as_uri()
    dom = _chromium(tmp_path / "profile-dom", "--dump-dom", page)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "NONCONFORMANT" in dom.stdout
    for family in ("samples", "keys", "idempotency", "paused"):
        assert f'id="family-{family}"' in dom.stdout
    assert "execute did not succeed" in dom.stdout and "$ZUORA_TOKEN" in dom.stdout
    assert "https://docs.zuora.com/" in dom.stdout  # the sample rule's source, as a link
    shot = tmp_path / "report.png"
    taken = _chromium(tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1000,700", page)
    assert taken.returncode == 0 and shot.exists(), taken.stderr[-2000:]
    assert _pixel(shot.read_bytes(), 5, 5) == (0xC6, 0x28, 0x28)  # the nonconformant banner's colour
