"""Start the reference mock as a child process by module name, so the suite never imports it."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field

from zuora_contract.failures import TargetError
from zuora_contract.settings import mock_module

MOCK_MODULE = mock_module()
LISTENING = re.compile(r"^zuora-mock listening on (http://\S+)$")
EXPORT = re.compile(r"^export (ZUORA_[A-Z_]+)=(\S+)$")
STARTUP_SECONDS = 20.0


@dataclass
class EmbeddedMock:
    """A running reference mock: its URL, the demo settings it printed, and its process."""

    url: str
    exports: dict[str, str] = field(repr=False)
    process: subprocess.Popen[str] = field(repr=False)

    def close(self) -> None:
        """Stop the mock and reap it, so no server outlives the run."""
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _read_banner(process: subprocess.Popen[str]) -> tuple[str, dict[str, str]]:
    assert process.stdout is not None
    url = ""
    exports: dict[str, str] = {}
    for line in process.stdout:
        line = line.strip()
        if match := LISTENING.match(line):
            url = match.group(1)
        elif match := EXPORT.match(line):
            exports[match.group(1)] = match.group(2)
        if url and {"ZUORA_CLIENT_ID", "ZUORA_CLIENT_SECRET", "ZUORA_ACCOUNT_KEY"} <= exports.keys():
            break
    return url, exports


def _drain(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    for _ in process.stdout:
        pass


def start_embedded_mock(extra_args: tuple[str, ...] = ()) -> EmbeddedMock:
    """Launch `python -m zuora_mock --port 0` on loopback and wait until it says where it listens."""
    command = [sys.executable, "-m", MOCK_MODULE, "--host", "127.0.0.1", "--port", "0", *extra_args]
    # stderr goes to a file and stdout is drained, so a chatty mock can never block on a full pipe.
    errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - the child writes to it after we return
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
    except OSError as error:
        raise TargetError(f"could not start the embedded reference mock: {error}") from None
    result: list[tuple[str, dict[str, str]]] = []
    reader = threading.Thread(target=lambda: result.append(_read_banner(process)), daemon=True)
    reader.start()
    reader.join(STARTUP_SECONDS)
    if not result or not result[0][0]:
        process.kill()
        process.wait()
        errors.seek(0)
        lines = errors.read().strip().splitlines()
        errors.close()
        raise TargetError(f"the embedded reference mock did not start ({lines[-1] if lines else 'no output'})")
    errors.close()
    url, exports = result[0]
    threading.Thread(target=_drain, args=(process,), daemon=True).start()
    return EmbeddedMock(url=url, exports=exports, process=process)
