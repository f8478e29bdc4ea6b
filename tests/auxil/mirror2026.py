"""Test-only loader for the 2026-09 public mirror copy (`../shared/registries/mirror/`).

The mirror's data/*.json hold {"entries": [{id, kind, name, aliases, inn, ogrn, included_at,
excluded_at, decision}]}. Until the lead's parser for that format is on main, scan tests and
the scan evaluation build entries with this loader; then it should become a thin call into it.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from bot.listings import names as nm
from bot.listings.model import ORGANISATION, PERSON, Entry

MIRROR = Path(__file__).resolve().parents[3] / "shared" / "registries" / "mirror"
# The mirror's file per registry name the bot uses.
FILES = {
    "foreign_agents": "minjust_foreign_agents.json",
    "undesirable": "minjust_undesirable_orgs.json",
    "extremist": "minjust_extremist_orgs.json",
    "terrorist": "fsb_terrorist_orgs.json",
}


def _day(value: object) -> date | None:
    if not value:
        return None
    text = str(value).strip()
    if "." in text:
        d, m, y = text.split(".")[:3]
        return date(int(y), int(m), int(d))
    return date.fromisoformat(text[:10])


def entries_from(registry: str, path: Path) -> list[Entry]:
    """Return the entries of one mirror data file as the bot's Entry objects."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for row in data["entries"]:
        kind = PERSON if row.get("kind") == "person" else ORGANISATION
        name = str(row["name"]).strip()
        aliases = nm.unique_by_norm([*(row.get("aliases") or ()),
                                     *nm.extract_aliases(name, kind=kind)], exclude=(name,))
        out.append(Entry(registry, str(row["id"]), kind, name, tuple(aliases),
                         _day(row.get("included_at")), _day(row.get("excluded_at")),
                         str(row.get("decision") or ""), inn=str(row.get("inn") or ""),
                         ogrn=str(row.get("ogrn") or "")))
    return out


@lru_cache(maxsize=2)
def mirror_entries(root: Path = MIRROR) -> tuple[Entry, ...]:
    """Return every entry of the four registries in the mirror copy (cached per process)."""
    out: list[Entry] = []
    for registry, file in FILES.items():
        path = root / "data" / file
        if path.exists():
            out.extend(entries_from(registry, path))
    return tuple(out)


def mirror_date(root: Path = MIRROR) -> date:
    """Return the date the mirror copy was generated (its index.json)."""
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    return date.fromisoformat(index["generated_at"][:10])
