"""Source tags and the public pages they stand for (`contracts/sources.json`), so every rule can be followed."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from zuora_contract.catalogue.cases import CONTRACTS_DIR
from zuora_contract.failures import ConfigError

SOURCES_PATH = CONTRACTS_DIR / "sources.json"


@dataclass(frozen=True)
class Source:
    """One public source: its tag, what it is, and where to read it."""

    tag: str
    title: str
    url: str


@functools.cache
def load_sources() -> dict[str, Source]:
    """Every known tag; a missing or malformed file is a configuration error."""
    try:
        document = json.loads(SOURCES_PATH.read_text(encoding="utf-8"))
        return {tag: Source(tag, entry["title"], entry["url"]) for tag, entry in document["sources"].items()}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{SOURCES_PATH}: unreadable source list: {error}") from None


def tags_in(text: str) -> list[str]:
    """The tags of a comma-separated source text such as `REF-HTML, DEV-IDEMP`."""
    return [tag.strip() for tag in text.split(",") if tag.strip()]


def links(text: str) -> list[Source]:
    """The sources a rule cites, in order; an unknown tag is a configuration error."""
    known = load_sources()
    unknown = [tag for tag in tags_in(text) if tag not in known]
    if unknown:
        raise ConfigError(f"unknown source tags {unknown}; add them to {SOURCES_PATH}")
    return [known[tag] for tag in tags_in(text)]
