"""A local copy of the public mirror (index.json and data/<list>.json), read by the real parser.

`riskguide scan eval` and `scan bench` measure the scanner on such a copy (by default the
2026-09 copy at ../shared/registries/mirror), and tests use the same reader, so what is
measured is what the bot parses from the mirror, aliases and court remarks included.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from bot.listings.mirror import MANIFEST_KEYS
from bot.listings.model import REGISTRIES, Entry, Snapshot
from bot.listings.parse import parse_file

# Where a source checkout keeps the 2026-09 copy (beside the repository, read-only).
DEFAULT_COPY = Path("../shared/registries/mirror")


def data_file(root: Path, registry: str) -> Path:
    """Return the path of a list's data file in a mirror copy."""
    return root / "data" / f"{MANIFEST_KEYS[registry]}.json"


def copy_date(root: Path) -> date | None:
    """Return the date the copy was generated (index.json's generated_at), None if unknown."""
    try:
        index = json.loads((root / "index.json").read_text(encoding="utf-8"))
        return date.fromisoformat(str(index["generated_at"])[:10])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def snapshot(root: Path, registry: str) -> Snapshot | None:
    """Return one list of the copy as a Snapshot (parsed and verified like a mirror fetch),
    or None when the copy has no file for it.

    Raises SchemaError when the file is no mirror document or fails its count/sha256 check.
    """
    path = data_file(root, registry)
    if not path.exists():
        return None
    result = parse_file(registry, path.read_bytes())
    taken = result.taken_on or copy_date(root) or date.today()
    return Snapshot(registry, "mirror", path.name, taken,
                    datetime(taken.year, taken.month, taken.day), tuple(result.entries),
                    exclusions_known=result.exclusions_known)


@lru_cache(maxsize=4)
def entries(root: Path = DEFAULT_COPY) -> tuple[Entry, ...]:
    """Return every entry of every list the copy holds (cached per folder and process)."""
    out: list[Entry] = []
    for registry in REGISTRIES:
        snap = snapshot(root.resolve(), registry)
        if snap is not None:
            out.extend(snap.entries)
    return tuple(out)
