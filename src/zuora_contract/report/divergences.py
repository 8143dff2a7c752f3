"""Known, dated divergences of one target: a CI gate may accept a documented deviation until it expires."""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from zuora_contract.failures import ConfigError
from zuora_contract.settings import divergences_file

# A project's own, dated allow-list: relative to the working directory, never inside the package.
DIVERGENCES_DIR = Path("divergences")


@dataclass
class Divergence:
    """One accepted deviation: which rule, why, and until when."""

    rule: str
    reason: str
    expires: datetime.date
    matched: bool = field(default=False)

    def expired(self, today: datetime.date) -> bool:
        """An expired entry no longer excuses a failure."""
        return today > self.expires


def divergence_path(target_name: str) -> Path:
    """`ZUORA_DIVERGENCES` if set, else `divergences/<target-name>.toml` in the working directory."""
    override = divergences_file()
    return Path(override) if override else DIVERGENCES_DIR / f"{target_name}.toml"


def _entry(path: Path, index: int, raw: object) -> Divergence:
    where = f"{path}: divergence #{index + 1}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table with rule, reason and expires")
    missing = {"rule", "reason", "expires"} - raw.keys()
    if missing:
        raise ConfigError(f"{where} lacks {', '.join(sorted(missing))}")
    unknown = raw.keys() - {"rule", "reason", "expires"}
    if unknown:
        raise ConfigError(f"{where} has unknown keys {', '.join(sorted(unknown))}")
    expires = raw["expires"]
    if not isinstance(expires, datetime.date) or isinstance(expires, datetime.datetime):
        raise ConfigError(f"{where}: expires must be a TOML date such as 2027-03-31")
    if not isinstance(raw["rule"], str) or not isinstance(raw["reason"], str) or not raw["reason"].strip():
        raise ConfigError(f"{where}: rule and reason must be non-empty strings")
    return Divergence(raw["rule"], raw["reason"].strip(), expires)


def load_divergences(path: Path) -> dict[str, Divergence]:
    """Read the file if it exists; a malformed file is a configuration error with its location."""
    if not path.exists():
        return {}
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    unknown = document.keys() - {"divergence"}
    if unknown:
        raise ConfigError(f"{path}: unknown top-level keys {', '.join(sorted(unknown))}; use [[divergence]] tables")
    entries = document.get("divergence", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: use [[divergence]] tables")
    loaded = [_entry(path, index, raw) for index, raw in enumerate(entries)]
    return {entry.rule: entry for entry in loaded}


def notices(divergences: dict[str, Divergence], today: datetime.date) -> list[str]:
    """Entries that need attention: expired ones, and ones that matched no failure in this run."""
    found = []
    for entry in divergences.values():
        if entry.expired(today):
            found.append(f"divergence for {entry.rule} expired on {entry.expires}: fix the target or renew the entry")
        elif not entry.matched:
            found.append(f"divergence for {entry.rule} matched nothing in this run: remove it")
    return found
